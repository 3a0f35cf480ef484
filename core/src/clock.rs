//! Today's date and the current time, passed in rather than read globally so
//! that every test can fix the day. `COCKPIT_TODAY=YYYY-MM-DD` fixes it for a
//! whole process (the end-to-end tests and the demo screenshots use this).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    today: NaiveDate,
    fixed: bool,
}

impl Clock {
    /// The real clock, unless `COCKPIT_TODAY` names a date.
    pub fn from_env() -> Clock {
        std::env::var("COCKPIT_TODAY")
            .ok()
            .and_then(|text| text.parse::<crate::domain::Day>().ok())
            .map(crate::domain::Day::date)
            .map(Clock::fixed)
            .unwrap_or_else(|| Clock { today: Utc::now().date_naive(), fixed: false })
    }

    /// A clock stopped on one day; times of day still move forward in the
    /// real clock's seconds so that ordering of writes within a run is kept.
    pub fn fixed(today: NaiveDate) -> Clock {
        Clock { today, fixed: true }
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The time to stamp a write with: now, or now's time of day on the fixed day.
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        if self.fixed { self.today.and_time(now.time()).and_utc() } else { now }
    }

    /// Midnight UTC of today, for dates that carry no time.
    pub fn start_of_today(&self) -> DateTime<Utc> {
        self.today.and_time(NaiveTime::MIN).and_utc()
    }
}
