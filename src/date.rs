//! Calendar dates without a time zone: enough for approval dates and completion codes. Days are
//! counted from 1970-01-01 (proleptic Gregorian).
//!
//! Two rules live here and nowhere else: [`Date::parse`], the one strict `YYYY-MM-DD` reader every
//! file name, front-matter key and `--today` flag goes through, and [`today`], the one notion of
//! "today" (the site's `time_zone`, via `jiff` and its bundled time-zone database).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parse exactly `YYYY-MM-DD` (ten characters, ASCII digits and two hyphens: no sign, no
    /// spaces, no time), rejecting impossible dates such as 2026-02-30.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
        if !shape {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
        let date = Date { year: i32::try_from(num(0..4)?).ok()?, month: num(5..7)?, day: num(8..10)? };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= days_in_month(date.year, date.month))
            .then_some(date)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The calendar date of `instant` in `tz`.
    fn of(instant: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> Date {
        let d = instant.to_zoned_datetime(tz.clone()).date();
        Date { year: i32::from(d.year()), month: d.month() as u32, day: d.day() as u32 }
    }

    /// "April 12, 2016", for people.
    pub fn long(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!("{} {}, {}", MONTHS[(self.month - 1) as usize], self.day, self.year)
    }
}

/// clap value parser for `--today` and other dates: `YYYY-MM-DD`.
pub fn parse_arg(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

/// A site's time zone, by IANA name (`America/Los_Angeles`), from the time-zone database built into
/// the program (so it works the same on a machine without `/usr/share/zoneinfo`).
pub fn time_zone(name: &str) -> Result<jiff::tz::TimeZone, String> {
    if name == "UTC" {
        return Ok(jiff::tz::TimeZone::UTC);
    }
    // jiff also takes POSIX TZ strings and fixed offsets; a site names a place, so only IANA names.
    if !name.contains('/') || name.starts_with('/') || name.contains("..") {
        return Err(format!("`{name}` is not an IANA time zone name"));
    }
    jiff::tz::TimeZone::get(name).map_err(|_| format!("`{name}` is not an IANA time zone name"))
}

/// The one "today" of every command: `--today` when given, else the date of `SOURCE_DATE_EPOCH`
/// (seconds since 1970, for reproducible builds) in `tz`, else the date of the system clock in `tz`.
/// A revision or code therefore turns over at local midnight, not at midnight UTC.
pub fn today(given: Option<Date>, tz: &jiff::tz::TimeZone) -> Result<Date, String> {
    if let Some(d) = given {
        return Ok(d);
    }
    let epoch = std::env::var_os("SOURCE_DATE_EPOCH");
    today_at(epoch.as_ref().map(|s| s.to_str().unwrap_or("\u{fffd}")), tz)
}

/// [`today`] with `SOURCE_DATE_EPOCH` given (for tests).
pub fn today_at(source_date_epoch: Option<&str>, tz: &jiff::tz::TimeZone) -> Result<Date, String> {
    let instant = match source_date_epoch {
        Some(text) => {
            let bad = || {
                format!(
                    "SOURCE_DATE_EPOCH is `{text}`, not a number of seconds since 1970-01-01 (e.g. 1764892800): \
                     set it to one, or unset it to use the clock (or pass --today YYYY-MM-DD)"
                )
            };
            let secs = if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
                text.parse::<i64>().map_err(|_| bad())?
            } else {
                return Err(bad());
            };
            jiff::Timestamp::from_second(secs).map_err(|_| bad())?
        }
        None => jiff::Timestamp::now(),
    };
    Ok(Date::of(instant, tz))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a date: write it as YYYY-MM-DD")))
    }
}

/// In JSON Schemas a date is a `YYYY-MM-DD` string (`format: date` also rules out 2026-02-30), written
/// out at each use so an editor shows the pattern right at the key.
impl schemars::JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_days() {
        for days in [-1000, 0, 1, 10_957, 20_000, 60_000] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(Date::parse("1970-01-01").map(Date::to_days), Some(0));
        assert_eq!(Date::parse("2016-04-12").map(|d| d.long()), Some("April 12, 2016".to_string()));
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-01-01",
            "2026-1-01",
            "yesterday",
            "2025-02-29",
            "2016-+6-+7",
            "2026-+1-+1",
            " 2026-01-01",
            "2026-01-01 ",
            "+026-01-01",
            "2026-01-01T00:00",
            "２０２６-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn today_is_the_date_in_the_sites_time_zone() {
        let la = time_zone("America/Los_Angeles").expect("bundled tzdb");
        // 2026-12-05T02:00:00Z is 18:00 on December 4 in Los Angeles.
        let epoch = "1796436000";
        assert_eq!(today_at(Some(epoch), &la), Ok(Date { year: 2026, month: 12, day: 4 }));
        assert_eq!(today_at(Some(epoch), &jiff::tz::TimeZone::UTC), Ok(Date { year: 2026, month: 12, day: 5 }));
        assert!(today_at(Some("abc"), &la).is_err());
        assert!(today_at(Some(""), &la).is_err());
        assert!(today_at(Some("-5"), &la).is_err());
        for bad in ["Mars/Olympus_Mons", "PST8PDT", "EST", "+05:00", "../etc/passwd", ""] {
            assert!(time_zone(bad).is_err(), "{bad}");
        }
    }
}
