//! Writes from panes and popups: committed through the store in order,
//! the rows they touched read again, the focused pane refreshed, and a
//! status line saying what was saved.

use super::*;
use crate::store::undo::Reversal;

impl App {
    /// The text written in `$EDITOR` (lines starting with `#` dropped); an
    /// empty text, or an editor that failed, writes nothing.
    pub fn finish_editor(&mut self, request: EditorRequest, text: anyhow::Result<String>) {
        match text {
            Ok(text) => {
                let body: String = text
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .to_string();
                if body.is_empty() {
                    self.refuse("empty note: nothing written".to_string());
                } else {
                    self.apply(vec![Write::Note {
                        account_id: request.account_id,
                        kind: crate::domain::NoteKind::Note,
                        text: body,
                    }]);
                }
            }
            Err(error) => self.error(format!("the editor failed: {error:#}")),
        }
    }

    /// Commits writes, in order, as one transaction (all or none), keeps
    /// what reverses them for `u`, and refreshes what they touched.
    pub fn apply(&mut self, writes: Vec<Write>) {
        if self.read_only() {
            self.refuse(super::read_only::REFUSAL.to_string());
            return;
        }
        // Nothing is written into a damaged book.
        if let Some(found) = self.damage() {
            self.error(format!("not saved: {found}"));
            return;
        }
        let now = self.clock.now();
        let playbooks = (&self.config.playbooks, self.clock.today());
        let (done, reversals) =
            match commit_all(&self.store, &self.book, &self.user, now, &writes, playbooks) {
                Ok(done) => done,
                Err(message) => {
                    self.error(message);
                    (Vec::new(), None)
                }
            };
        // Two writes saying the same (two snoozes of one account) are said once.
        let mut seen = std::collections::HashSet::new();
        let done: Vec<String> = done.into_iter().filter(|d| seen.insert(d.clone())).collect();
        let summary: Vec<String> = match done.len() {
            0 => Vec::new(),
            1..=3 => vec![done.join("; ")],
            n => vec![format!("{}; and {} more", done[..2].join("; "), n - 2)],
        };
        // Each write names its account: the front pane reads only those again.
        let accounts: Option<Vec<String>> = writes
            .iter()
            .map(|w| Some(w.account_id().to_string()).filter(|id| !id.is_empty()))
            .collect();
        if let Some(what) = summary.first() {
            self.undo.push(what.clone(), reversals, accounts.clone());
        }
        self.reread(writes.iter().map(Write::account_id));
        self.refresh_after_write(&summary, accounts.as_deref());
    }

    /// Reads the written accounts' rows again into the book.
    pub(super) fn reread<'a>(&mut self, ids: impl Iterator<Item = &'a str>) {
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            if id.is_empty() || !seen.insert(id.to_string()) {
                continue;
            }
            if let Ok(Some(row)) = self.store.book_row(id, self.clock.today()) {
                if self.loading() {
                    self.replaced.push(row.id.clone());
                }
                self.book.replace(row);
            }
        }
    }

    /// Marks every pane stale, refreshes the focused one (only the
    /// `accounts` written, when known) and says what was saved.
    pub(super) fn refresh_after_write(&mut self, done: &[String], accounts: Option<&[String]>) {
        for (stale, written) in self.stale.iter_mut().zip(&mut self.stale_accounts) {
            match (*stale, written.as_mut(), accounts) {
                // Fresh until now: these accounts are all it misses.
                (false, _, _) => *written = accounts.map(<[String]>::to_vec),
                (true, Some(list), Some(ids)) => list.extend_from_slice(ids),
                (true, _, _) => *written = None,
            }
            *stale = true;
        }
        let active = self.active;
        self.stale[active] = false;
        let (pane, mut cx) = self.cx_parts();
        let refreshed = match accounts {
            Some(ids) => pane.refresh_accounts(ids, &mut cx),
            None => pane.refresh(&mut cx),
        };
        if let Err(error) = refreshed {
            self.error(format!("{error:#}"));
        } else if !done.is_empty() && self.status.as_ref().is_none_or(|s| !s.is_error()) {
            self.say(format!("saved: {}", done.join("; ")));
        }
    }
}

/// Commits `writes` in order as one transaction (all or none): what each
/// did, in words, and what reverses them all (`None` when one of them is
/// not covered by undo); or why nothing was saved.
fn commit_all(
    store: &Store,
    book: &BookIndex,
    user: &str,
    now: chrono::DateTime<chrono::Utc>,
    writes: &[Write],
    (playbooks, today): (&crate::domain::playbook::Playbooks, chrono::NaiveDate),
) -> Result<(Vec<String>, Option<Vec<Reversal>>), String> {
    let not_saved = |error: crate::store::StoreError| format!("not saved: {error}");
    let step = store.step().map_err(not_saved)?;
    let mut done = Vec::new();
    let mut reversals = Some(Vec::new());
    for write in writes {
        match write.reversal(store, today).map_err(not_saved)? {
            Some(reversal) => {
                if let Some(list) = reversals.as_mut() {
                    list.push(reversal);
                }
            }
            None => reversals = None,
        }
        if let (Write::Health { account_id, .. }, Some(list)) = (write, reversals.as_mut()) {
            // Undone last first: the save plan it starts goes before the colour.
            let back = store.save_plans_back(account_id).map_err(not_saved)?;
            list.push(Reversal::Other(Box::new(back)));
        }
        let result = match write {
            Write::Health { account_id, health, reason } => {
                store.set_health(account_id, *health, reason, user, now)
            }
            Write::Note { account_id, kind, text } => {
                store.add_note(account_id, kind.clone(), text, user, now)
            }
            Write::Owners { account_id, csm, am } => store.set_owners(account_id, csm, am),
            Write::Flags { account_id, flags } => store.set_flags(account_id, *flags),
            Write::Snooze { account_id, key, until } => store.snooze(account_id, key, *until),
            Write::Dismiss { account_id, signals } => signals.iter().try_for_each(|signal| {
                store.dismiss_suggestion(account_id, "health", signal, user, now)
            }),
            Write::ChurnChain { chain } => store.save_churn_chain(chain, user, now).map(|_| ()),
            Write::ChurnDraft { chain } => store.save_churn_draft(chain, user, now).map(|_| ()),
            Write::DiscardChurnDraft { id, .. } => store.discard_churn_draft(*id),
            Write::Stage { account_id, stage, reason } => {
                store.set_stage(account_id, *stage, reason, user, now)
            }
            Write::StageSuggestion { suggestion, accept: true, .. } => {
                crate::read::board::accept_stage_suggestion(store, suggestion, user, now)
            }
            Write::StageSuggestion { suggestion, accept: false, .. } => {
                crate::read::board::dismiss_stage_suggestion(store, suggestion, user, now)
            }
            Write::Opportunity { account_id, fields } => {
                store.add_opportunity(account_id, fields, now).map(|_| ())
            }
            Write::OpportunityStage { id, stage, .. } => {
                store.set_opportunity_stage(*id, *stage, now)
            }
            Write::OpportunityEdit { id, fields, .. } => store.update_opportunity(*id, fields, now),
            Write::OpportunityLost { id, reason, .. } => store.lose_opportunity(*id, reason, now),
            Write::MomentDone { id, .. } => store.complete_moment(*id, now, user).map(|_| ()),
            Write::Moment { account_id, kind, title, due_on } => {
                store.add_moment(account_id, *kind, title, *due_on).map(|_| ())
            }
            Write::Taxonomy(edit) => store.edit_churn_taxonomy(edit).map(|_| ()),
            Write::Potential { account_id, product, units } => {
                store.set_potential(account_id, product, *units)
            }
            Write::AccountPotential { account_id, units } => {
                store.set_account_potential(account_id, *units)
            }
            Write::Trial { account_id, fields } => store.add_trial(account_id, fields).map(|_| ()),
            Write::Takeaway { id, takeaway, note, .. } => store.set_takeaway(*id, *takeaway, note),
            Write::SuccessPlan { account_id, fields } => {
                store.add_success_plan(account_id, fields, now).map(|_| ())
            }
            Write::PlanCurrent { id, current, .. } => store.set_plan_current(*id, *current, now),
            Write::Unsnooze { account_id, key } => store.unsnooze(account_id, key),
            Write::Task { account_id, write } => {
                super::tasks::apply_task(store, playbooks, today, user, now, account_id, write)
            }
            Write::Contact { account_id, change } => {
                store.change_contact(account_id, change, today, user, now)
            }
        };
        result.map_err(not_saved)?;
        done.push(describe(write, book));
    }
    step.commit().map_err(not_saved)?;
    Ok((done, reversals))
}

fn describe(write: &Write, book: &BookIndex) -> String {
    let name = book.by_id(write.account_id()).map_or(write.account_id(), |r| r.name.as_str());
    match write {
        Write::Health { health, .. } => format!("{name} health [{}] {health}", health.letter()),
        Write::Note { kind, .. } => format!("{} logged on {name}", kind.as_str()),
        Write::Owners { csm, am, .. } => format!("{name} owners CSM {csm}, AM {am}"),
        Write::Flags { flags, .. } => {
            format!("{name} flags {}", if flags.any() { flags.to_words() } else { "none".into() })
        }
        Write::Snooze { until, .. } => format!("{name} snoozed until {until}"),
        Write::Dismiss { .. } => format!("{name} suggestion dismissed"),
        Write::ChurnChain { chain } => format!("{name} churn chain: {}", chain.sentence()),
        Write::ChurnDraft { .. } => format!("{name} churn chain kept as a draft"),
        Write::DiscardChurnDraft { .. } => format!("{name} churn draft discarded"),
        Write::Stage { stage, .. } => format!("{name} moved to {}", stage.as_str()),
        Write::StageSuggestion { suggestion, accept: true, .. } => {
            format!("{name} moved to {}", suggestion.suggested.as_str())
        }
        Write::StageSuggestion { accept: false, .. } => {
            format!("{name} stage suggestion dismissed")
        }
        Write::Opportunity { fields, .. } => format!(
            "opportunity {} {} ({}) on {name}",
            fields.product,
            fields.arr.to_short(),
            fields.stage.as_str()
        ),
        Write::OpportunityStage { stage, .. } => {
            format!("{name} opportunity {}", stage.as_str())
        }
        Write::OpportunityEdit { fields, .. } => {
            format!("{name} opportunity {} {} edited", fields.product, fields.arr.to_short())
        }
        Write::OpportunityLost { reason, .. } => format!(
            "{name} opportunity lost ({}): {}",
            if reason.controllable { "controllable" } else { "uncontrollable" },
            reason.reason
        ),
        Write::MomentDone { .. } => format!("moment done on {name}, touch logged"),
        Write::Moment { kind, due_on, .. } => {
            format!("{} for {name} on {due_on}", kind.title().to_lowercase())
        }
        Write::Taxonomy(edit) => edit.describe(),
        Write::Potential { product, units: Some(units), .. } => {
            format!(
                "{name} {product} potential {}",
                crate::domain::count::of(*units, "unit", "units")
            )
        }
        Write::Potential { product, units: None, .. } => {
            format!("{name} {product} potential cleared")
        }
        Write::AccountPotential { units: Some(units), .. } => {
            format!(
                "{name} account potential {}",
                crate::domain::count::of(*units, "unit", "units")
            )
        }
        Write::AccountPotential { units: None, .. } => {
            format!("{name} account potential cleared")
        }
        Write::Trial { fields, .. } => {
            format!("trial on {name} until {}", fields.end_date)
        }
        Write::Takeaway { takeaway, .. } => {
            format!("{name} takeaway test {}", takeaway.as_str().replace('_', " "))
        }
        Write::SuccessPlan { fields, .. } => format!("success plan on {name}: {}", fields.measure),
        Write::PlanCurrent { current, .. } => format!("{name} success plan now at {current}"),
        Write::Task { write, .. } => super::tasks::describe(write, name),
        Write::Unsnooze { .. } => format!("{name} brought back to Today"),
        Write::Contact { change, .. } => format!("{name}: {}", change.describe()),
    }
}
