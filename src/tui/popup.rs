//! The popups the app owns: help, the fuzzy jump, and the small forms that
//! write (health with its reason, a touch or note, owners, flags, a snooze)
//! plus a confirm that holds a pending write. A popup takes keys first; it
//! answers with an [`Outcome`] and never touches the store itself.

use crate::domain::{Flags, Health, NoteKind};
use crate::read::book::BookIndex;
use crate::tui::panes::Write;
use crate::tui::panes::churn_taxonomy::ReasonForm;
use crate::tui::panes::forms_4a::{OpportunityForm, StageForm};
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::widgets::{centered, pad};
use chrono::NaiveDate;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatchConfig, Matcher, Utf32Str};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// How many matches the jump list keeps.
const JUMP_RESULTS: usize = 50;

/// What a popup draws: title, lines, size, and where the text cursor goes
/// (column, line, prefix width, input).
type Drawn<'a> = (String, Vec<Line<'static>>, (u16, u16), Option<(u16, u16, usize, &'a Input)>);

/// The open popup.
#[derive(Debug, Clone)]
pub enum Popup {
    /// The keys of a pane: (keys, what they do) by section.
    Help { sections: Vec<(String, Vec<(String, &'static str)>)> },
    /// Jump to an account by fuzzy name.
    Jump { input: Input, results: Vec<u32>, selected: usize },
    /// Set the health; the reason is required.
    Health {
        account_id: String,
        name: String,
        health: Option<Health>,
        reason: Input,
        then: Vec<Write>,
        error: Option<String>,
    },
    /// Log a touch or note.
    Note {
        account_id: String,
        name: String,
        kind: NoteKind,
        text: Input,
        then: Vec<Write>,
        error: Option<String>,
    },
    /// Edit the CSM and AM.
    Owners { account_id: String, name: String, csm: Input, am: Input, on_am: bool },
    /// Toggle the value flags.
    Flags { account_id: String, name: String, flags: Flags, selected: usize },
    /// Snooze a Today row until a date.
    Snooze {
        account_id: String,
        name: String,
        key: String,
        what: String,
        until: Input,
        error: Option<String>,
        /// The day `+7d` or `fri` counts from.
        today: NaiveDate,
    },
    /// A pending write held until the user confirms.
    Confirm { message: String, writes: Vec<Write> },
    /// Move an account to another 4A stage; the reason is required.
    Stage(Box<StageForm>),
    /// Record an opportunity on an account.
    Opportunity(Box<OpportunityForm>),
    /// Add, rename or describe a churn taxonomy entry.
    Reason(Box<ReasonForm>),
}

/// What a key did to the popup.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Keep the popup open.
    Stay,
    /// Close it, doing nothing.
    Close,
    /// Close it and apply these writes.
    Submit(Vec<Write>),
    /// Close it and open this account.
    Open(String),
}

fn typed(input: &mut Input, key: KeyEvent) {
    if let Some(request) = to_input_request(&Event::Key(key)) {
        input.handle(request);
    }
}

/// The kinds the note form cycles through, touches first.
const NOTE_KINDS: [NoteKind; 7] = NoteKind::ALL;

impl Popup {
    pub fn jump(book: &BookIndex) -> Popup {
        let mut popup = Popup::Jump { input: Input::default(), results: Vec::new(), selected: 0 };
        popup.rematch(book);
        popup
    }

    pub fn health(
        account_id: &str,
        name: &str,
        health: Option<Health>,
        reason: &str,
        then: Vec<Write>,
    ) -> Popup {
        Popup::Health {
            account_id: account_id.to_string(),
            name: name.to_string(),
            health,
            reason: Input::new(reason.to_string()),
            then,
            error: None,
        }
    }

    pub fn note(account_id: &str, name: &str, then: Vec<Write>) -> Popup {
        Popup::Note {
            account_id: account_id.to_string(),
            name: name.to_string(),
            kind: NoteKind::Call,
            text: Input::default(),
            then,
            error: None,
        }
    }

    pub fn snooze(account_id: &str, name: &str, key: &str, what: &str, today: NaiveDate) -> Popup {
        let default = today + chrono::Days::new(7);
        Popup::Snooze {
            account_id: account_id.to_string(),
            name: name.to_string(),
            key: key.to_string(),
            what: what.to_string(),
            until: Input::new(default.to_string()),
            error: None,
            today,
        }
    }

    /// Whether the popup is a form that takes typed text (so `q` types).
    pub fn takes_text(&self) -> bool {
        !matches!(self, Popup::Help { .. } | Popup::Flags { .. } | Popup::Confirm { .. })
    }

    fn rematch(&mut self, book: &BookIndex) {
        let Popup::Jump { input, results, selected } = self else { return };
        results.clear();
        *selected = 0;
        let query = input.value().trim();
        if query.is_empty() {
            results.extend((0..book.len().min(JUMP_RESULTS)).filter_map(|i| u32::try_from(i).ok()));
            return;
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(MatchConfig::DEFAULT);
        let mut buffer = Vec::new();
        let mut scored: Vec<(u32, u32)> = Vec::new();
        for (index, row) in book.rows().iter().enumerate() {
            if let Some(score) = pattern.score(Utf32Str::new(&row.name, &mut buffer), &mut matcher)
            {
                scored.push((score, u32::try_from(index).unwrap_or(u32::MAX)));
            }
        }
        // Best score first; among equals the larger account (lower index) first.
        let keep = JUMP_RESULTS.min(scored.len());
        if keep > 0 && scored.len() > keep {
            scored.select_nth_unstable_by(keep - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(keep);
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        results.extend(scored.into_iter().map(|(_, index)| index));
    }

    /// Applies a key. `today` validates snooze dates.
    pub fn key(&mut self, key: KeyEvent, book: &BookIndex, today: NaiveDate) -> Outcome {
        if key.code == KeyCode::Esc {
            return Outcome::Close;
        }
        match self {
            Popup::Help { .. } => Outcome::Close,
            Popup::Confirm { writes, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => Outcome::Submit(std::mem::take(writes)),
                _ => Outcome::Close,
            },
            Popup::Jump { input, results, selected } => match key.code {
                KeyCode::Enter => results
                    .get(*selected)
                    .and_then(|i| book.row(*i))
                    .map_or(Outcome::Close, |row| Outcome::Open(row.id.clone())),
                KeyCode::Down | KeyCode::Tab => {
                    *selected = (*selected + 1).min(results.len().saturating_sub(1));
                    Outcome::Stay
                }
                KeyCode::Char('n') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    *selected = (*selected + 1).min(results.len().saturating_sub(1));
                    Outcome::Stay
                }
                KeyCode::Up | KeyCode::BackTab => {
                    *selected = selected.saturating_sub(1);
                    Outcome::Stay
                }
                KeyCode::Char('p') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    *selected = selected.saturating_sub(1);
                    Outcome::Stay
                }
                _ => {
                    typed(input, key);
                    self.rematch(book);
                    Outcome::Stay
                }
            },
            Popup::Health { account_id, health, reason, then, error, .. } => {
                if health.is_none() {
                    if let KeyCode::Char(c) = key.code {
                        *health = Health::from_letter(c);
                    }
                    return Outcome::Stay;
                }
                match key.code {
                    KeyCode::Tab | KeyCode::Up => {
                        *health = health.map(|h| Health::ALL[(h.rank() as usize + 1) % 4]);
                        Outcome::Stay
                    }
                    KeyCode::BackTab | KeyCode::Down => {
                        *health = health.map(|h| Health::ALL[(h.rank() as usize + 3) % 4]);
                        Outcome::Stay
                    }
                    KeyCode::Enter => {
                        let text = reason.value().trim().to_string();
                        match (*health, text.is_empty()) {
                            (Some(h), false) => {
                                let mut writes = vec![Write::Health {
                                    account_id: account_id.clone(),
                                    health: h,
                                    reason: text,
                                }];
                                writes.append(then);
                                Outcome::Submit(writes)
                            }
                            _ => {
                                *error = Some("a reason is required".to_string());
                                Outcome::Stay
                            }
                        }
                    }
                    _ => {
                        typed(reason, key);
                        Outcome::Stay
                    }
                }
            }
            Popup::Note { account_id, kind, text, then, error, .. } => match key.code {
                KeyCode::Tab | KeyCode::BackTab => {
                    let i = NOTE_KINDS.iter().position(|k| k == kind).unwrap_or(0);
                    let n = NOTE_KINDS.len();
                    *kind = NOTE_KINDS
                        [if key.code == KeyCode::Tab { (i + 1) % n } else { (i + n - 1) % n }];
                    Outcome::Stay
                }
                KeyCode::Enter => {
                    let body = text.value().trim().to_string();
                    if body.is_empty() {
                        *error = Some("write what happened first".to_string());
                        return Outcome::Stay;
                    }
                    let mut writes = vec![Write::Note {
                        account_id: account_id.clone(),
                        kind: *kind,
                        text: body,
                    }];
                    writes.append(then);
                    Outcome::Submit(writes)
                }
                _ => {
                    typed(text, key);
                    Outcome::Stay
                }
            },
            Popup::Owners { account_id, csm, am, on_am, .. } => match key.code {
                KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                    *on_am = !*on_am;
                    Outcome::Stay
                }
                KeyCode::Enter => Outcome::Submit(vec![Write::Owners {
                    account_id: account_id.clone(),
                    csm: csm.value().trim().to_string(),
                    am: am.value().trim().to_string(),
                }]),
                _ => {
                    typed(if *on_am { am } else { csm }, key);
                    Outcome::Stay
                }
            },
            Popup::Flags { account_id, flags, selected, .. } => match key.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    *selected = (*selected + 1) % 3;
                    Outcome::Stay
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    *selected = (*selected + 2) % 3;
                    Outcome::Stay
                }
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    match selected {
                        0 => flags.reference = !flags.reference,
                        1 => flags.advocate = !flags.advocate,
                        _ => flags.design_partner = !flags.design_partner,
                    }
                    Outcome::Stay
                }
                KeyCode::Enter => Outcome::Submit(vec![Write::Flags {
                    account_id: account_id.clone(),
                    flags: *flags,
                }]),
                _ => Outcome::Stay,
            },
            Popup::Stage(form) => form.key(key),
            Popup::Reason(form) => form.key(key),
            Popup::Opportunity(form) => form.key(key, today),
            Popup::Snooze { account_id, key: reason_key, until, error, .. } => match key.code {
                KeyCode::Enter => match crate::domain::day_text::parse(until.value(), today) {
                    Ok(date) if date > today => Outcome::Submit(vec![Write::Snooze {
                        account_id: account_id.clone(),
                        key: reason_key.clone(),
                        until: date,
                    }]),
                    Ok(_) => {
                        *error = Some("pick a date after today".to_string());
                        Outcome::Stay
                    }
                    Err(why) => {
                        *error = Some(why.to_string());
                        Outcome::Stay
                    }
                },
                _ => {
                    typed(until, key);
                    Outcome::Stay
                }
            },
        }
    }

    /// Pastes text into the focused field: the reason, the note (line
    /// breaks kept), a name, a date, the jump query. An error says why
    /// nothing was pasted; a paste never confirms, saves or closes.
    pub fn paste(&mut self, text: &str, book: &BookIndex) -> Result<(), String> {
        match self {
            Popup::Help { .. } | Popup::Flags { .. } | Popup::Confirm { .. } => {
                Err(paste::NO_FIELD.to_string())
            }
            Popup::Jump { input, .. } => {
                paste::paste(input, text, Lines::One)?;
                self.rematch(book);
                Ok(())
            }
            Popup::Health { health: None, .. } => {
                Err("nothing pasted: pick a colour first (r o y g), then paste the reason".into())
            }
            Popup::Health { reason, .. } => paste::paste(reason, text, Lines::One),
            Popup::Note { text: note, .. } => paste::paste(note, text, Lines::Many),
            Popup::Owners { csm, am, on_am, .. } => {
                paste::paste(if *on_am { am } else { csm }, text, Lines::One)
            }
            Popup::Snooze { until, .. } => paste::paste(until, text, Lines::One),
            Popup::Stage(form) => paste::paste(&mut form.reason, text, Lines::One),
            Popup::Opportunity(form) => form.paste(text),
            Popup::Reason(form) => form.paste(text),
        }
    }

    /// Draws the popup over `area`. Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, book: &BookIndex) {
        let (title, lines, size, cursor): Drawn<'_> = match self {
            Popup::Help { sections } => {
                let mut lines = Vec::new();
                for (title, keys) in sections {
                    lines.push(Line::from(Span::styled(title.clone(), theme.header())));
                    for (key, what) in keys {
                        lines.push(Line::from(vec![
                            Span::styled(format!("  {key:<14}"), theme.key()),
                            Span::raw(*what),
                        ]));
                    }
                }
                lines.push(Line::from(Span::styled("any key closes", theme.dim())));
                let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
                ("Keys".to_string(), lines, (56, height), None)
            }
            Popup::Jump { input, results, selected } => {
                let query = paste::shown(input, 56, 2);
                let mut lines = vec![Line::from(format!("› {query}")), Line::from("")];
                for (i, index) in results.iter().enumerate() {
                    let Some(row) = book.row(*index) else { continue };
                    let style = if i == *selected {
                        theme.selected()
                    } else {
                        ratatui::style::Style::new()
                    };
                    lines.push(Line::from(vec![
                        theme.health(row.health),
                        Span::raw(" "),
                        Span::styled(pad(&row.name, 38, false), style),
                        Span::styled(format!("{:>10}", row.arr.to_short()), theme.dim()),
                    ]));
                }
                if results.is_empty() {
                    lines.push(Line::from(Span::styled("no account matches", theme.dim())));
                }
                (
                    "Jump to account (Enter open, ↑↓ choose)".to_string(),
                    lines,
                    (56, 20),
                    Some((2, 0, 2, input)),
                )
            }
            Popup::Health { name, health, reason, error, .. } => {
                let mut lines = vec![Line::from(vec![
                    Span::raw("Account: "),
                    Span::styled(name.clone(), theme.title()),
                ])];
                match health {
                    None => lines
                        .push(Line::from("Pick a colour: r red · o orange · y yellow · g green")),
                    Some(_) => lines.push(Line::from(vec![
                        Span::raw("Health:  "),
                        theme.health_word(*health),
                        Span::styled("   Tab/↑↓ change", theme.dim()),
                    ])),
                }
                lines.push(Line::from(format!("Reason:  {}", paste::shown(reason, 64, 9))));
                lines.push(Line::from(""));
                lines.push(match error {
                    Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                    None => Line::from(Span::styled(
                        "Enter save · Esc cancel · the reason is required",
                        theme.dim(),
                    )),
                });
                let cursor = health.map(|_| (9, 2, 9, reason));
                ("Set health".to_string(), lines, (64, 7), cursor)
            }
            Popup::Note { name, kind, text, error, .. } => {
                let shown = paste::shown(text, 76, 9);
                let kinds: Vec<Span<'static>> = NOTE_KINDS
                    .iter()
                    .flat_map(|k| {
                        let style = if k == kind { theme.active_tab() } else { theme.dim() };
                        [Span::styled(k.as_str().to_string(), style), Span::raw(" ")]
                    })
                    .collect();
                let lines = vec![
                    Line::from(vec![
                        Span::raw("Account: "),
                        Span::styled(name.clone(), theme.title()),
                    ]),
                    Line::from(kinds),
                    Line::from(format!("Text:    {shown}")),
                    Line::from(""),
                    match error {
                        Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                        None => Line::from(Span::styled(
                            "Tab kind · Enter save · Esc cancel · N writes in $EDITOR",
                            theme.dim(),
                        )),
                    },
                ];
                ("Log a touch or note".to_string(), lines, (76, 7), Some((9, 2, 9, text)))
            }
            Popup::Owners { name, csm, am, on_am, .. } => {
                let lines = vec![
                    Line::from(vec![
                        Span::raw("Account: "),
                        Span::styled(name.clone(), theme.title()),
                    ]),
                    Line::from(format!("CSM:     {}", paste::shown(csm, 56, 9))),
                    Line::from(format!("AM:      {}", paste::shown(am, 56, 9))),
                    Line::from(""),
                    Line::from(Span::styled("Tab switch · Enter save · Esc cancel", theme.dim())),
                ];
                let cursor = if *on_am { (9, 2, 9, am) } else { (9, 1, 9, csm) };
                ("Owners".to_string(), lines, (56, 7), Some(cursor))
            }
            Popup::Flags { name, flags, selected, .. } => {
                let items = [
                    ("reference", flags.reference),
                    ("advocate", flags.advocate),
                    ("design partner", flags.design_partner),
                ];
                let mut lines = vec![Line::from(vec![
                    Span::raw("Account: "),
                    Span::styled(name.clone(), theme.title()),
                ])];
                for (i, (label, on)) in items.iter().enumerate() {
                    let style = if i == *selected {
                        theme.selected()
                    } else {
                        ratatui::style::Style::new()
                    };
                    lines.push(Line::from(Span::styled(
                        format!("[{}] {label}", if *on { 'x' } else { ' ' }),
                        style,
                    )));
                }
                lines.push(Line::from(Span::styled(
                    "Space toggle · Enter save · Esc cancel",
                    theme.dim(),
                )));
                ("Value flags".to_string(), lines, (48, 7), None)
            }
            Popup::Snooze { name, what, until, error, today, .. } => {
                let mut until_line = Line::from(format!("Until:   {}", paste::shown(until, 60, 9)));
                if let Some(echo) = crate::domain::day_text::echo(until.value(), *today) {
                    until_line.spans.push(Span::styled(format!("  {echo}"), theme.dim()));
                }
                let lines = vec![
                    Line::from(vec![
                        Span::raw("Account: "),
                        Span::styled(name.clone(), theme.title()),
                    ]),
                    Line::from(format!("Row:     {what}")),
                    until_line,
                    Line::from(""),
                    match error {
                        Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                        None => Line::from(Span::styled(
                            "YYYY-MM-DD, +7d, fri · Enter snooze · Esc cancel",
                            theme.dim(),
                        )),
                    },
                ];
                ("Snooze".to_string(), lines, (60, 7), Some((9, 2, 9, until)))
            }
            Popup::Stage(form) => form.drawn(theme),
            Popup::Reason(form) => form.drawn(theme),
            Popup::Opportunity(form) => form.drawn(theme),
            Popup::Confirm { message, .. } => {
                let lines = vec![
                    Line::from(message.clone()),
                    Line::from(""),
                    Line::from(Span::styled(
                        "y/Enter confirm · any other key cancels",
                        theme.dim(),
                    )),
                ];
                ("Confirm".to_string(), lines, (60, 6), None)
            }
        };
        let rect = centered(area, size.0, size.1);
        frame.render_widget(Clear, rect);
        let block = Block::bordered()
            .title(Span::styled(format!(" {title} "), theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(rect);
        frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
        if let Some((x, y, prefix, input)) = cursor {
            // The same window the field's line shows (`paste::shown`).
            let width = usize::from(inner.width).saturating_sub(prefix);
            let (_, column) = paste::window(input.value(), input.cursor(), width);
            let cx = inner.x + x + u16::try_from(column).unwrap_or(0);
            if y < inner.height && cx < inner.x + inner.width {
                frame.set_cursor_position((cx, inner.y + y));
            }
        }
    }
}
