//! `cockpit`: parse the command line and hand over.

fn main() -> std::process::ExitCode {
    cockpit::cli::main()
}
