//! `cockpit renewals`: the renewals and out-year payments of a date range
//! with their windows, health, billing, ARR and, for a renewal, whether a
//! champion and an executive sponsor are known (a table or `--json`); `--ics
//! FILE` writes them to an iCalendar file with stable event UIDs; `--forecast`
//! prints the forecast ahead, its calibration, the waterfall and the surprise
//! non-renewals. Parsing and printing only: the numbers come from the store
//! and `metrics`.

use super::{Context, output};
use crate::domain::config::{BasisPoints, Config};
use crate::domain::contact::Stakeholders;
use crate::domain::{Health, Money, Month};
use crate::metrics::Rate;
use crate::metrics::calibration::{
    ErrorShown, PastRenewal, calibrate, history_since, surprises, waterfall,
};
use crate::metrics::forecast::{ForecastFigures, WHOLE_BP};
use crate::metrics::windows::{
    CalendarEvent, CalendarFilter, EventKind, WindowStatus, window_openings,
};
use crate::text::inert;
use chrono::{Duration, NaiveDate};
use icalendar::{Calendar as Ical, Component, Event as IcalEvent, EventLike};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Days listed when neither `--to` nor `--within` is given.
const DEFAULT_DAYS: i64 = 180;
/// The longest `--within`: a hundred years of days.
const MAX_DAYS: i64 = 36_500;
/// The most forecast months: fifty years.
const MAX_MONTHS: i64 = 600;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// First day listed, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last day listed, YYYY-MM-DD (default: 180 days after the first).
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "within")]
    pub to: Option<NaiveDate>,
    /// List this many days from the first day (at most 36,500: a hundred years).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=MAX_DAYS))]
    pub within: Option<u32>,
    /// Only the accounts I own as CSM.
    #[arg(long)]
    pub mine: bool,
    /// Only red and orange accounts.
    #[arg(long)]
    pub at_risk: bool,
    /// Only renewals inside a renewal window today (leaves payments out).
    #[arg(long)]
    pub in_window: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Write the renewals and their window openings to an iCalendar file (`-`: standard output).
    #[arg(long, value_name = "FILE", conflicts_with = "forecast")]
    pub ics: Option<PathBuf>,
    /// Print the forecast for the months ahead, its calibration, the waterfall and surprises.
    #[arg(long)]
    pub forecast: bool,
    /// Months ahead in the forecast (and past months in the waterfall), 1 to 600.
    #[arg(long, value_name = "N", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=MAX_MONTHS))]
    pub months: u32,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    crate::domain::day::Day::parse(text)
        .map(|day| day.date())
        .map_err(|_| format!("{text:?} is not a date (expected YYYY-MM-DD)"))
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let config = context.config()?;
    if let Some(path) = args.ics.as_deref().filter(|p| *p != Path::new("-")) {
        super::out_file::check(path, &context.db)?;
    }
    let store = context.open_store()?;
    let today = context.clock.today();
    if args.forecast {
        return print_forecast(&store, &config, today, args.months, args.json);
    }
    let from = args.from.unwrap_or(today);
    let to = match (args.to, args.within) {
        (Some(to), _) => Some(to),
        (None, Some(days)) => from.checked_add_signed(Duration::days(i64::from(days))),
        (None, None) => from.checked_add_signed(Duration::days(DEFAULT_DAYS)),
    }
    .ok_or_else(|| anyhow::anyhow!("--from {from} is too late to list days after it; give --to"))?;
    if to < from {
        anyhow::bail!("--to {to} is before --from {from}");
    }
    if args.mine {
        mine_is_known(&store, &context.user)?;
    }
    let filter = CalendarFilter {
        csm: args.mine.then(|| context.user.clone()),
        at_risk_only: args.at_risk,
        in_window_only: args.in_window,
    };
    let calendar = crate::read::renewals::calendar(&store, from, to, today, &config, &filter)?;
    let events: Vec<&CalendarEvent> =
        calendar.agenda().filter(|e| !matches!(e.kind, EventKind::Moment { .. })).collect();
    if let Some(path) = &args.ics {
        return write_ics(path, &events, &config, context);
    }
    if args.json {
        let list: Vec<Value> = events.iter().map(|e| event_json(e, &config)).collect();
        output::print_json(&json!({
            "from": from.to_string(),
            "to": to.to_string(),
            "today": today.to_string(),
            "events": list,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = events.iter().map(|e| event_row(e)).collect();
    let atr: Money = events.iter().filter(|e| e.kind.word() == "renewal").map(|e| e.arr).sum();
    crate::metrics::all_exact(events.iter().map(|e| e.arr).chain([atr]))?;
    output::say(&format!("Renewals and payments from {from} to {to} (today {today})"))?;
    output::print_table(
        &[
            "date", "kind", "account", "csm", "product", "ARR", "health", "billing", "window",
            "people", "contract",
        ],
        &rows,
    )?;
    output::say(&format!(
        "{}, ATR {atr}; {}",
        crate::domain::count::of(rows_of_kind(&events, "renewal"), "renewal", "renewals"),
        crate::domain::count::of(rows_of_kind(&events, "payment"), "payment", "payments")
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// A waterfall error in the table: the relative error, or the miss in
/// money when nothing renewed, or "–" when nothing was forecast either.
fn error_text(shown: ErrorShown) -> String {
    match shown {
        ErrorShown::Relative(rate) => output::percent(Some(rate)),
        ErrorShown::Absolute(miss) => format!("+{miss}"),
        ErrorShown::Nothing => output::percent(None),
    }
}

/// `--mine` for a user no account is owned by would print an empty list
/// that reads as "nothing renews": refused, saying where the name came from.
fn mine_is_known(store: &crate::store::Store, user: &str) -> anyhow::Result<()> {
    let csms = store.csm_names()?;
    if csms.iter().any(|csm| csm == user) {
        return Ok(());
    }
    const SHOWN: usize = 5;
    let mut known: Vec<String> = csms.iter().take(SHOWN).map(|c| format!("{c:?}")).collect();
    if csms.len() > SHOWN {
        known.push(format!("{} more", csms.len() - SHOWN));
    }
    let known = if known.is_empty() {
        "no account has a CSM yet".to_string()
    } else {
        format!("the book's CSMs: {}", known.join(", "))
    };
    anyhow::bail!(
        "--mine: no account has CSM {user:?} (the user name, from COCKPIT_USER, else USER); set COCKPIT_USER to your name as the book spells it ({known})"
    )
}

fn rows_of_kind(events: &[&CalendarEvent], word: &str) -> usize {
    events.iter().filter(|e| e.kind.word() == word).count()
}

fn health_word(health: Option<Health>) -> &'static str {
    health.map_or("–", Health::as_str)
}

fn billing_text(event: &CalendarEvent) -> String {
    let billing = event.billing.map_or("–", |b| b.as_str());
    match event.kind {
        EventKind::Payment { year_of_term, term_years } => {
            format!("{billing}, year {year_of_term} of {term_years}")
        }
        _ => billing.to_string(),
    }
}

fn event_row(event: &CalendarEvent) -> Vec<String> {
    let window = match &event.kind {
        EventKind::Renewal { window } => window.describe(),
        _ => "–".to_string(),
    };
    vec![
        event.date.to_string(),
        event.kind.word().to_string(),
        event.account.name.clone(),
        event.account.csm.clone(),
        event.product.clone(),
        event.arr.to_string(),
        health_word(event.account.health).to_string(),
        billing_text(event),
        window,
        event.stakeholders.map_or("–", Stakeholders::describe).to_string(),
        event.contract_id.clone().unwrap_or_default(),
    ]
}

fn window_json(status: WindowStatus) -> Value {
    match status {
        WindowStatus::In { days, days_to_end } => {
            json!({"status": "in", "days": days, "days_to_end": days_to_end})
        }
        WindowStatus::NotYet { days_to_end, next } => json!({
            "status": "not_yet",
            "days_to_end": days_to_end,
            "next_days": next.map(|n| n.days),
            "next_opens_on": next.map(|n| n.opens_on.to_string()),
        }),
        WindowStatus::Ended { days_since } => json!({"status": "ended", "days_since": days_since}),
    }
}

fn event_json(event: &CalendarEvent, config: &Config) -> Value {
    let mut value = json!({
        "date": event.date.to_string(),
        "kind": event.kind.word(),
        "contract_id": event.contract_id,
        "account_id": event.account.id,
        "account": event.account.name,
        "csm": event.account.csm,
        "product": event.product,
        "arr": output::money(event.arr),
        "health": event.account.health.map(Health::as_str),
        "billing": event.billing.map(|b| b.as_str()),
    });
    match &event.kind {
        EventKind::Renewal { window } => {
            let known = event.stakeholders.unwrap_or_default();
            value["champion"] = json!(known.champion);
            value["executive_sponsor"] = json!(known.executive_sponsor);
            value["window"] = window_json(*window);
            value["window_openings"] = window_openings(event.date, &config.renewal_windows_days)
                .iter()
                .map(|o| json!({"days": o.days, "opens_on": o.opens_on.to_string()}))
                .collect();
        }
        EventKind::Payment { year_of_term, term_years } => {
            value["year_of_term"] = json!(year_of_term);
            value["term_years"] = json!(term_years);
        }
        EventKind::Moment { .. } => {}
    }
    value
}

/// Keeps a UID to characters every calendar accepts; anything else becomes
/// `_` followed by its code point, so distinct ids stay distinct.
fn uid_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.') {
                c.to_string()
            } else {
                format!("_{:x}", u32::from(c))
            }
        })
        .collect()
}

/// The stable UID of a renewal (`window` = None) or of one window opening:
/// derived from the contract id, the kind and the window only, so
/// re-exporting updates the same events instead of adding new ones.
pub fn ics_uid(contract_id: &str, window: Option<i64>) -> String {
    match window {
        None => format!("renewal-{}@cockpit", uid_part(contract_id)),
        Some(days) => format!("window-{days}-{}@cockpit", uid_part(contract_id)),
    }
}

fn write_ics(
    path: &Path,
    events: &[&CalendarEvent],
    config: &Config,
    context: &Context,
) -> anyhow::Result<ExitCode> {
    let stamp = context.clock.now();
    let mut calendar = Ical::new();
    calendar.name("Renewals").description("Renewals and renewal windows from cockpit");
    let mut count = 0_usize;
    for event in events {
        let (EventKind::Renewal { .. }, Some(contract_id)) = (&event.kind, &event.contract_id)
        else {
            continue;
        };
        let account = &event.account;
        let details = format!(
            "Account {} ({}), CSM {}, product {}, ATR {}, health {}, billing {}, contract {}",
            account.name,
            account.id,
            if account.csm.is_empty() { "–" } else { &account.csm },
            event.product,
            event.arr,
            health_word(account.health),
            billing_text(event),
            contract_id,
        );
        let all_day = |uid: String, date: NaiveDate, summary: String| {
            IcalEvent::new()
                .uid(&uid)
                .timestamp(stamp)
                .summary(&inert::calendar(&summary))
                .description(&inert::calendar(&details))
                .starts(date)
                .ends(date + Duration::days(1))
                .add_property("TRANSP", "TRANSPARENT")
                .done()
        };
        calendar.push(all_day(
            ics_uid(contract_id, None),
            event.date,
            format!("Renewal: {} – {} ({})", account.name, event.product, event.arr.to_short()),
        ));
        count += 1;
        for opening in window_openings(event.date, &config.renewal_windows_days) {
            calendar.push(all_day(
                ics_uid(contract_id, Some(opening.days)),
                opening.opens_on,
                format!(
                    "{}-day renewal window opens: {} – {} (ends {})",
                    opening.days, account.name, event.product, event.date
                ),
            ));
            count += 1;
        }
    }
    let text = calendar.done().to_string();
    if path == Path::new("-") {
        output::print_raw(&text)?;
    } else {
        super::out_file::write(path, &context.db, |out| {
            Ok(std::io::Write::write_all(out, text.as_bytes())?)
        })?;
        output::warn(&format!("wrote {count} events to {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}

fn bp_rate(bp: BasisPoints) -> Option<Rate> {
    Rate::new(bp, WHOLE_BP)
}

fn figures_json(figures: &ForecastFigures) -> Value {
    json!({
        "contracts": figures.contracts,
        "atr": output::money(figures.atr),
        "expected": output::money(figures.expected),
        "if_all_renew": output::money(figures.atr),
        "if_only_greens": output::money(figures.if_only_greens),
        "at_risk_atr": output::money(figures.at_risk_atr),
        "unrated_atr": output::money(figures.unrated_atr),
    })
}

fn figures_row(label: String, figures: &ForecastFigures) -> Vec<String> {
    vec![
        label,
        figures.contracts.to_string(),
        figures.atr.to_string(),
        figures.expected.to_string(),
        figures.if_only_greens.to_string(),
        figures.at_risk_atr.to_string(),
        figures.unrated_atr.to_string(),
    ]
}

/// The last month whose renewals all have a known outcome: its last day is
/// more than 31 days ago.
fn last_settled_month(today: NaiveDate) -> Month {
    let mut month = Month::of(today).minus(1);
    while month.last_day() + Duration::days(crate::domain::contract::RENEWAL_GAP_DAYS) >= today {
        month = month.minus(1);
    }
    month
}

fn past_json(past: &PastRenewal) -> Value {
    json!({
        "contract_id": past.contract_id,
        "account_id": past.account_id,
        "account": past.account_name,
        "csm": past.csm,
        "product": past.product,
        "end_date": past.end_date.to_string(),
        "atr": output::money(past.atr),
        "health_90_days_before": past.health_before.map(Health::as_str),
    })
}

fn print_forecast(
    store: &crate::store::Store,
    config: &Config,
    today: NaiveDate,
    months: u32,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let months = months.max(1);
    let first = Month::of(today);
    let forecast = crate::read::renewals::forecast(store, first, months, config)?;
    forecast.exact()?;
    let last_past = last_settled_month(today);
    let first_past = last_past.minus(i32::try_from(months).unwrap_or(i32::MAX).saturating_sub(1));
    // Calibration and the surprises read the shared window; the waterfall
    // may reach further back when asked for more months.
    let since = history_since(today);
    let all_past =
        crate::read::renewals::past_renewals(store, since.min(first_past.first_day()), today)?;
    let past: Vec<PastRenewal> = all_past.iter().filter(|p| p.end_date >= since).cloned().collect();
    let probabilities = &config.renewal_probability_bp;
    let calibration = calibrate(&past, probabilities);
    let falls = waterfall(&all_past, first_past, last_past, probabilities);
    let (quarters, surprise_list) = surprises(&past);

    if as_json {
        let months_json = |list: &[crate::metrics::forecast::MonthForecast]| -> Vec<Value> {
            list.iter()
                .map(|m| {
                    let mut value = figures_json(&m.figures);
                    value["month"] = json!(m.month.to_string());
                    value
                })
                .collect()
        };
        output::print_json(&json!({
            "today": today.to_string(),
            "first_month": first.to_string(),
            "months": months,
            "probabilities": Health::ALL.iter().rev().map(|h| (h.as_str().to_string(), output::rate(bp_rate(probabilities.of(*h))))).collect::<serde_json::Map<_, _>>(),
            "book": months_json(&forecast.book),
            "book_total": figures_json(&forecast.book_total),
            "by_csm": forecast.by_csm.iter().map(|c| json!({
                "csm": c.csm,
                "months": months_json(&c.months),
                "total": figures_json(&c.total),
            })).collect::<Vec<_>>(),
            "calibration": calibration.iter().map(|c| json!({
                "health": c.health.map(Health::as_str),
                "cases": c.cases,
                "renewed": c.renewed,
                "observed": output::rate(c.observed),
                "configured": output::rate(bp_rate(c.configured_bp)),
            })).collect::<Vec<_>>(),
            "waterfall": falls.iter().map(|w| json!({
                "month": w.month.to_string(),
                "contracts": w.contracts,
                "pending": w.pending,
                "atr": output::money(w.atr),
                "forecast_90_days_before": output::money(w.forecast),
                "reforecast_30_days_before": output::money(w.reforecast),
                "actual": output::money(w.actual),
                "forecast_error": output::rate(w.forecast_error),
                "reforecast_error": output::rate(w.reforecast_error),
                "forecast_miss": output::money(w.forecast_miss),
                "reforecast_miss": output::money(w.reforecast_miss),
            })).collect::<Vec<_>>(),
            "surprises": {
                "quarters": quarters.iter().map(|q| json!({
                    "quarter": q.label(), "count": q.count, "lost_atr": output::money(q.lost_atr),
                })).collect::<Vec<_>>(),
                "list": surprise_list.iter().map(|p| past_json(p)).collect::<Vec<_>>(),
            },
        }))?;
        return Ok(ExitCode::SUCCESS);
    }

    let headers = ["month", "contracts", "ATR", "expected", "only greens", "at risk", "unrated"];
    let percent = |h: Health| output::percent(bp_rate(probabilities.of(h)));
    output::say_wrapped(
        &format!(
            "Renewal forecast from {first}, {} (p: green {}, yellow {}, orange {}, red {}; unrated at yellow)",
            crate::domain::count::of(months, "month", "months"),
            percent(Health::Green),
            percent(Health::Yellow),
            percent(Health::Orange),
            percent(Health::Red)
        ),
        2,
    )?;
    let mut rows: Vec<Vec<String>> =
        forecast.book.iter().map(|m| figures_row(m.month.to_string(), &m.figures)).collect();
    rows.push(figures_row("total".into(), &forecast.book_total));
    output::print_table(&headers, &rows)?;
    if months == 1 {
        output::say("\nBy CSM, over the month")?;
    } else {
        output::say(&format!("\nBy CSM, over the {months} months"))?;
    }
    let rows: Vec<Vec<String>> = forecast
        .by_csm
        .iter()
        .map(|c| {
            figures_row(if c.csm.is_empty() { "(none)".into() } else { c.csm.clone() }, &c.total)
        })
        .collect();
    let mut csm_headers = headers;
    csm_headers[0] = "csm";
    output::print_table(&csm_headers, &rows)?;

    output::say(&format!(
        "\nCalibration: renewals by health 90 days before the end date, since {since}"
    ))?;
    let rows: Vec<Vec<String>> = calibration
        .iter()
        .map(|c| {
            vec![
                c.health.map_or("unrated", Health::as_str).to_string(),
                c.cases.to_string(),
                c.renewed.to_string(),
                output::percent(c.observed),
                output::percent(bp_rate(c.configured_bp)),
            ]
        })
        .collect();
    output::print_table(&["health", "cases", "renewed", "observed", "configured"], &rows)?;

    output::say(
        "\nWaterfall: forecast 90 days before, re-forecast 30 days before, actual renewed",
    )?;
    let rows: Vec<Vec<String>> = falls
        .iter()
        .map(|w| {
            vec![
                w.month.to_string(),
                w.contracts.to_string(),
                w.atr.to_string(),
                w.forecast.to_string(),
                w.reforecast.to_string(),
                w.actual.to_string(),
                error_text(w.forecast_shown()),
                error_text(w.reforecast_shown()),
            ]
        })
        .collect();
    output::print_table(
        &["month", "contracts", "ATR", "forecast", "re-forecast", "actual", "error", "re-fc error"],
        &rows,
    )?;

    output::say("\nSurprise non-renewals (green or yellow 90 days before, did not renew)")?;
    let rows: Vec<Vec<String>> = quarters
        .iter()
        .map(|q| vec![q.label(), q.count.to_string(), q.lost_atr.to_string()])
        .collect();
    output::print_table(&["quarter", "count", "lost ATR"], &rows)?;
    if !surprise_list.is_empty() {
        output::say("")?;
        let rows: Vec<Vec<String>> = surprise_list
            .iter()
            .map(|p| {
                vec![
                    p.end_date.to_string(),
                    p.account_name.clone(),
                    p.csm.clone(),
                    p.product.clone(),
                    p.atr.to_string(),
                    health_word(p.health_before).to_string(),
                    p.contract_id.clone(),
                ]
            })
            .collect();
        output::print_table(
            &["ended", "account", "csm", "product", "ATR", "health then", "contract"],
            &rows,
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_stable_and_safe() {
        assert_eq!(ics_uid("C-1", None), "renewal-C-1@cockpit");
        assert_eq!(ics_uid("C-1", Some(90)), "window-90-C-1@cockpit");
        assert_eq!(ics_uid("a b;c", None), "renewal-a_20b_3bc@cockpit");
        assert_ne!(ics_uid("a b", None), ics_uid("a_b", None));
    }

    #[test]
    fn settled_months_wait_for_the_renewal_gap() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        // January 31 + 31 days = March 3: on March 3 a January renewal may
        // still come, on March 4 January is settled; February on April 1.
        assert_eq!(last_settled_month(d(2025, 3, 3)).to_string(), "2024-12");
        assert_eq!(last_settled_month(d(2025, 3, 4)).to_string(), "2025-01");
        assert_eq!(last_settled_month(d(2025, 4, 1)).to_string(), "2025-02");
    }
}
