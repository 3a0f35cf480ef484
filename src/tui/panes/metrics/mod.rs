//! The Metrics pane: the book-level numbers a team lead trusts, in five
//! sections — retention (NRR/GRR trailing chart, CRR beside it), the ARR
//! bridge that foots, the cohort layer cake, the Pareto chart with its tier
//! table, and ATR- versus ARR-based renewal rates. `e` explains each number;
//! Enter on a number lists the accounts behind it, and Enter on an account
//! opens it.
//!
//! The book's snapshots and contracts are read when the pane is first shown
//! (not when the cockpit starts), every number is computed then and kept in
//! `data::MetricsData`. A drill-down's list and a moved period's numbers go
//! through the whole book (tens of milliseconds at 100,000 accounts), so a
//! key only asks for them and they are computed between keys
//! (`Pane::count_step`), the latest period asked for first: a held `>`
//! computes the period the user stops on, not every one on the way. Writes made in the
//! cockpit (health, notes, owners) never touch snapshots or contracts, so a
//! refresh after them keeps the results. Drawing (`draw.rs`, `panels.rs`)
//! only reads. Each section ([`section::Section`]) says its title, its
//! numbers, its drawing and its drill-down in one place.

use crate::read::metrics as data;
mod backtest;
mod draw;
mod explain;
mod panels;
mod section;

use crate::domain::config::BasisPoints;
use crate::read::book::BookIndex;
use crate::read::health::Backtest;
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::panes::{Cx, Pane, Request, View};
use crate::tui::widgets::Cursor;
use crate::tui::widgets::charts::buckets;
use data::{Drill, MetricsData, Period};
use ratatui::Frame;
use ratatui::layout::Rect;
use section::Section;
use std::path::PathBuf;

/// The Metrics pane's keymap scope.
pub(super) const SCOPE: &str = "metrics";

const KEYS: &[(&str, Action)] = &[
    ("l", Action::NextSection),
    ("right", Action::NextSection),
    ("h", Action::PrevSection),
    ("left", Action::PrevSection),
    ("e", Action::Explain),
    ("<", Action::PeriodEarlier),
    (">", Action::PeriodLater),
    ("-", Action::PeriodShorter),
    ("+", Action::PeriodLonger),
    ("=", Action::PeriodLonger),
];

const HINTS: &[Action] = &[
    Action::NextSection,
    Action::Open,
    Action::Explain,
    Action::PeriodEarlier,
    Action::PeriodLonger,
    Action::Back,
    Action::Help,
];

/// The Pareto chart's points for the chart's width: bars (bucket mean ARR
/// as % of the largest), the cumulative share (%), and the tier cut lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParetoPoints {
    pub bars: Vec<(f64, f64)>,
    pub cumulative: Vec<(f64, f64)>,
    pub cuts: Vec<[(f64, f64); 2]>,
    pub buckets: usize,
}

/// The pane's state: the computed metrics, the section, the selected number,
/// and the open drill-down or explanation.
#[derive(Debug, Default)]
pub struct MetricsPane {
    data: Option<MetricsData>,
    /// The database to compute the metrics from, when the pane is shown
    /// first; done in the pause after the key.
    load_from: Option<PathBuf>,
    /// The period asked for and not computed yet.
    period_asked: Option<Period>,
    /// The (section, number) whose drill-down was asked for and not shown yet.
    drill_asked: Option<(Section, usize)>,
    loaded: bool,
    error: Option<String>,
    cuts: Vec<BasisPoints>,
    section: Section,
    selected: usize,
    explain: bool,
    drill: Option<(Drill, Cursor)>,
    pareto_points: ParetoPoints,
    area: Rect,
    /// The settings and the day the backtest runs with.
    backtest_with: Option<(crate::domain::Config, chrono::NaiveDate)>,
}

impl MetricsPane {
    /// The selectable numbers of the current section.
    fn items(&self) -> usize {
        let Some(data) = &self.data else { return 0 };
        self.section.items(data)
    }

    /// Rows a drill list shows: the area less the border, tabs, title and header.
    fn drill_height(&self) -> usize {
        usize::from(self.area.height.saturating_sub(5))
    }

    /// The period shown once the one asked for is computed.
    fn target_period(&self) -> Option<Period> {
        self.period_asked.or_else(|| self.data.as_ref().map(|d| d.period))
    }

    /// Runs the backtest of health on `store`, when the pane has its settings.
    fn run_backtest(&self, store: &Store) -> anyhow::Result<Option<Backtest>> {
        let Some((config, today)) = &self.backtest_with else { return Ok(None) };
        let (from, to) = crate::read::health::default_period(*today);
        let lead = crate::metrics::backtest::LEAD_DAYS;
        Ok(Some(crate::read::health::backtest(store, config, *today, lead, from, to)?))
    }

    /// Computes every section from `store`. The backtest runs first: the
    /// book's signals it works through are freed before the grid and the
    /// contracts are read, so the two never take memory at once (at
    /// 100,000 accounts the backtest's reading peaks near 90 MB, the
    /// grid and contracts keep 40 MB).
    fn load(&self, store: &Store) -> anyhow::Result<Option<MetricsData>> {
        let backtest = self.run_backtest(store)?;
        let mut data = MetricsData::load(store, &self.cuts)?;
        if let Some(data) = &mut data {
            data.backtest = backtest;
        }
        Ok(data)
    }

    /// Takes in the computed metrics, or why they could not be.
    fn install(&mut self, loaded: Result<Option<MetricsData>, String>) {
        match loaded {
            Ok(data) => {
                self.data = data;
                self.prepare_pareto();
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// Whether the metrics are still to be computed.
    pub(super) fn loading(&self) -> bool {
        self.load_from.is_some()
    }

    /// What the pane is computing between keys, to say so.
    pub(super) fn waiting(&self) -> Option<String> {
        if let Some(period) = self.period_asked {
            return Some(format!("computing {} → {}…", period.from(), period.to));
        }
        self.drill_asked.map(|_| "listing the accounts…".to_string())
    }

    fn move_period(&mut self, action: Action) {
        let (Some(data), Some(Period { to, months })) = (&self.data, self.target_period()) else {
            return;
        };
        let period = data.clamp(match action {
            Action::PeriodEarlier => Period { to: to.minus(1), months },
            Action::PeriodLater => Period { to: to.plus(1), months },
            Action::PeriodLonger => Period { to, months: months + 1 },
            _ => Period { to, months: months - 1 },
        });
        if period == (Period { to, months }) {
            return;
        }
        self.period_asked = (period != data.period).then_some(period);
        self.forget_drill();
    }

    /// Closes the drill-down, shown or asked for.
    fn forget_drill(&mut self) {
        self.drill = None;
        self.drill_asked = None;
    }

    /// Buckets the ranked accounts to the chart's width (two points a cell).
    fn prepare_pareto(&mut self) {
        let Some(data) = &self.data else { return };
        let columns = usize::from(panels::pareto_chart_width(self.area.width)) * 2;
        let ranked = &data.pareto.ranked;
        let total = data.pareto.total_arr.cents();
        let top = ranked.first().map_or(0, |a| a.arr.cents());
        let ranges = buckets(ranked.len(), columns.max(1));
        let mut points = ParetoPoints { buckets: ranges.len(), ..ParetoPoints::default() };
        if total <= 0 || top <= 0 {
            self.pareto_points = points;
            return;
        }
        for (index, range) in ranges.iter().enumerate() {
            let x = index as f64;
            let slice = &ranked[range.clone()];
            let sum: i64 = slice.iter().map(|a| a.arr.cents()).sum();
            let mean = sum as f64 / slice.len().max(1) as f64;
            points.bars.push((x, mean / top as f64 * 100.0));
            let cumulative = slice.last().map_or(0, |a| a.cumulative_arr.cents());
            points.cumulative.push((x, cumulative as f64 / total as f64 * 100.0));
            let next_tier = ranked.get(range.end).map(|a| a.tier);
            let last_tier = slice.last().map(|a| a.tier);
            if next_tier.is_some() && next_tier != last_tier {
                // Between this bucket and the next, so no bar hides under it.
                points.cuts.push([(x + 0.5, 0.0), (x + 0.5, 100.0)]);
            }
        }
        self.pareto_points = points;
    }
}

impl Pane for MetricsPane {
    fn title(&self) -> &'static str {
        "Metrics"
    }

    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        if self.loaded {
            return Ok(());
        }
        self.loaded = true;
        self.cuts = cx.config.tier_cuts_bp.clone();
        self.backtest_with = Some((cx.config.clone(), cx.clock.today()));
        // A database file is computed in the pause after the key
        // (`count_step`), once the pane has said so: the key only asks.
        if cx.store.path().is_file() {
            self.load_from = Some(cx.store.path().to_path_buf());
            return Ok(());
        }
        let loaded = self.load(cx.store);
        self.install(loaded.map_err(|error| format!("{error:#}")));
        match &self.error {
            Some(error) => Err(anyhow::anyhow!("computing the metrics: {error}")),
            None => Ok(()),
        }
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        let width_changed = area.width != self.area.width;
        self.area = area;
        if width_changed {
            self.prepare_pareto();
        }
        let height = self.drill_height();
        if let Some((drill, cursor)) = &mut self.drill {
            cursor.set_height(height, drill.rows.len());
        }
    }

    fn counting(&self) -> bool {
        self.load_from.is_some() || self.period_asked.is_some() || self.drill_asked.is_some()
    }

    /// Computes what a key asked for, one piece a step: the period first,
    /// then the drill-down (on the new period's numbers).
    fn count_step(&mut self, _book: &BookIndex) -> bool {
        if let Some(path) = self.load_from.take() {
            // A database file is read on a connection of its own, page by
            // page: the whole grid and every contract, read once, need not
            // stay mapped.
            let loaded = Store::open_aside(&path)
                .map_err(anyhow::Error::from)
                .and_then(|store| self.load(&store));
            self.install(loaded.map_err(|error| format!("{error:#}")));
            return !self.counting();
        }
        let Some(data) = &mut self.data else {
            (self.period_asked, self.drill_asked) = (None, None);
            return true;
        };
        if let Some(period) = self.period_asked.take() {
            data.set_period(period, &self.cuts);
            self.prepare_pareto();
        } else if let Some((section, selected)) = self.drill_asked.take()
            && let Some(drill) = section.drill(data, selected)
        {
            let mut cursor = Cursor::default();
            cursor.set_height(self.drill_height(), drill.rows.len());
            self.drill = Some((drill, cursor));
        }
        !self.counting()
    }

    fn update(&mut self, action: Action, _cx: &mut Cx<'_>) -> Request {
        if action == Action::Back && self.drill.is_none() && self.drill_asked.is_some() {
            self.forget_drill();
            return Request::None;
        }
        if let Some((drill, cursor)) = &mut self.drill {
            let len = drill.rows.len();
            match action {
                Action::Up => cursor.move_by(-1, len),
                Action::Down => cursor.move_by(1, len),
                Action::PageUp => cursor.page(false, len),
                Action::PageDown => cursor.page(true, len),
                Action::Top => cursor.select(0, len),
                Action::Bottom => cursor.select(len.saturating_sub(1), len),
                Action::Open => {
                    return drill.rows.get(cursor.selected).map_or(Request::None, |row| {
                        Request::OpenAccount(drill.account_id(row).to_string())
                    });
                }
                Action::Back => self.forget_drill(),
                _ => return self.update_section(action),
            }
            return Request::None;
        }
        self.update_section(action)
    }

    fn selected_account(&self, _book: &BookIndex) -> Option<String> {
        let (drill, cursor) = self.drill.as_ref()?;
        drill.rows.get(cursor.selected).map(|r| drill.account_id(r).to_string())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        draw::draw(self, frame, area, view);
    }
}

impl MetricsPane {
    fn update_section(&mut self, action: Action) -> Request {
        let items = self.items();
        match action {
            Action::NextSection | Action::PrevSection => {
                self.section = self.section.step(action == Action::NextSection);
                self.selected = 0;
                self.forget_drill();
            }
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(items.saturating_sub(1)),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = items.saturating_sub(1),
            Action::Explain => self.explain = !self.explain,
            Action::Back => {
                if !self.explain {
                    return Request::None;
                }
                self.explain = false;
            }
            Action::Open => {
                if self.data.is_some() {
                    self.explain = false;
                    self.drill_asked = Some((self.section, self.selected));
                }
            }
            Action::PeriodEarlier
            | Action::PeriodLater
            | Action::PeriodLonger
            | Action::PeriodShorter => self.move_period(action),
            _ => return Request::Ignored,
        }
        Request::None
    }
}
