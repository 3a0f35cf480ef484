//! TLS as libpq does it, over rustls (no system OpenSSL needed): `sslmode`
//! `disable`, `prefer` (the default: encrypted when the server offers it,
//! unverified), `require` (encrypted, unverified — verified against the root
//! as `verify-ca` when `sslrootcert` is given, as libpq does), `verify-ca`
//! (the server's certificate chains to the root) and `verify-full` (and
//! names the host). `sslrootcert` names the root certificate file (PEM);
//! without it the verifying modes read `~/.postgresql/root.crt`. Both may
//! also come from `PGSSLMODE` and `PGSSLROOTCERT`. The driver knows only
//! three modes and no root, so both settings are taken out of the string
//! here before it reads the rest.

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Result<SslMode, String> {
        Ok(match text {
            "disable" => SslMode::Disable,
            // `allow` tries plain first; the driver cannot: encrypted when offered.
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode {other:?} is not one of disable, prefer, require, verify-ca, verify-full"
                ));
            }
        })
    }
}

/// The TLS settings of a connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub mode: SslMode,
    pub root: Option<PathBuf>,
}

/// The connection string without `sslmode` and `sslrootcert`, and the TLS
/// settings they (or the environment) give.
pub fn split(url: &str) -> Result<(String, Tls), String> {
    let mut mode = None;
    let mut root = None;
    let mut take = |key: &str, value: String| -> bool {
        match key {
            "sslmode" => mode = Some(value),
            "sslrootcert" => root = Some(value),
            _ => return false,
        }
        true
    };
    let rest = if let Some((head, query)) = url.split_once('?').filter(|_| url.contains("://")) {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                !take(key, percent_decoded(value))
            })
            .collect();
        if kept.is_empty() { head.to_string() } else { format!("{head}?{}", kept.join("&")) }
    } else if url.contains("://") {
        url.to_string()
    } else {
        let kept: Vec<&str> = url
            .split_whitespace()
            .filter(|part| {
                let (key, value) = part.split_once('=').unwrap_or((part, ""));
                !take(key.trim(), value.trim_matches('\'').to_string())
            })
            .collect();
        kept.join(" ")
    };
    let mode = mode.or_else(|| std::env::var("PGSSLMODE").ok()).filter(|m| !m.is_empty());
    let root = root.or_else(|| std::env::var("PGSSLROOTCERT").ok()).filter(|r| !r.is_empty());
    let mode = mode.as_deref().map_or(Ok(SslMode::Prefer), SslMode::parse)?;
    Ok((rest, Tls { mode, root: root.map(PathBuf::from) }))
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[at],
            bytes.get(at + 1).copied().and_then(hex),
            bytes.get(at + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                at += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Tls {
    /// The driver's mode: it encrypts or not; verifying is the connector's.
    pub fn driver_mode(&self) -> postgres::config::SslMode {
        match self.mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        }
    }

    /// The connector that checks the server's certificate as the mode says.
    pub fn connector(&self) -> Result<MakeRustlsConnect, String> {
        // ring builds anywhere Rust does (aws-lc-rs would want cmake); it has
        // no post-quantum key exchange, which a team's PostgreSQL does not need.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let verifying = match self.mode {
            SslMode::VerifyCa | SslMode::VerifyFull => true,
            SslMode::Require => self.root.is_some(),
            SslMode::Disable | SslMode::Prefer => false,
        };
        let verifier: Arc<dyn ServerCertVerifier> = if verifying {
            let roots = self.roots()?;
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                .build()
                .map_err(|e| format!("the root certificate cannot be used: {e}"))?;
            match self.mode {
                SslMode::VerifyFull => webpki,
                _ => Arc::new(ChainOnly { webpki }),
            }
        } else {
            Arc::new(Unverified { algorithms })
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    fn roots(&self) -> Result<Arc<RootCertStore>, String> {
        let path = match &self.root {
            Some(path) => path.clone(),
            None => match std::env::var_os("HOME") {
                Some(home) => PathBuf::from(home).join(".postgresql/root.crt"),
                None => PathBuf::from(".postgresql/root.crt"),
            },
        };
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(format!(
                "sslmode={} needs the server's root certificate, and {shown} is not a file: give sslrootcert=FILE",
                self.mode_word()
            ));
        }
        let mut roots = RootCertStore::empty();
        let certificates = CertificateDer::pem_file_iter(&path)
            .map_err(|e| format!("sslrootcert {shown}: {e}"))?;
        for certificate in certificates {
            let certificate = certificate.map_err(|e| format!("sslrootcert {shown}: {e}"))?;
            roots
                .add(certificate)
                .map_err(|e| format!("sslrootcert {shown}: not a usable certificate: {e}"))?;
        }
        if roots.is_empty() {
            return Err(format!("sslrootcert {shown}: holds no certificate (PEM expected)"));
        }
        Ok(Arc::new(roots))
    }

    fn mode_word(&self) -> &'static str {
        match self.mode {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// `prefer` and `require` without a root: encrypted, the certificate not checked.
#[derive(Debug)]
struct Unverified {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain to the root is checked, the host's name is not.
#[derive(Debug)]
struct ChainOnly {
    webpki: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_settings_leave_the_string_in_both_forms() {
        let (rest, tls) =
            split("postgres://ann@db/book?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.crt&application_name=x")
                .expect("split");
        assert_eq!(rest, "postgres://ann@db/book?application_name=x");
        assert_eq!(
            tls,
            Tls { mode: SslMode::VerifyFull, root: Some(PathBuf::from("/tmp/ca.crt")) }
        );
        let (rest, tls) = split("host=db user=ann sslmode=require dbname=book").expect("split");
        assert_eq!(rest, "host=db user=ann dbname=book");
        assert_eq!(tls.mode, SslMode::Require);
        let (rest, _) = split("postgres://ann@db/book?sslmode=disable").expect("split");
        assert_eq!(rest, "postgres://ann@db/book");
        assert!(split("postgres://db/b?sslmode=sometimes").is_err());
    }

    #[test]
    fn a_verifying_mode_without_a_root_says_what_it_needs() {
        let tls =
            Tls { mode: SslMode::VerifyFull, root: Some(PathBuf::from("/nonexistent/ca.crt")) };
        let Err(said) = tls.connector() else { panic!("no root, no connector") };
        assert!(said.contains("needs the server's root certificate"), "{said}");
        let plain = Tls { mode: SslMode::Require, root: None };
        assert!(plain.connector().is_ok());
    }
}
