//! Timestamp parsing per contract/TIMESTAMPS.md, the same shapes and answers
//! as the Go SDK's logmill.ParseTime (tested against
//! contract/testdata/timestamps.json). No allocation.

pub use crate::tz::Zone;
use std::time::{SystemTime, UNIX_EPOCH};

/// Parses a timestamp in one of the shapes of TIMESTAMPS.md (not bare epoch
/// numbers: see `parse_epoch`); `zone` is for stamps that carry none.
/// Syslog stamps take their year from the current time. Microseconds since
/// the epoch, or None.
pub fn parse_time(s: &[u8], zone: &Zone) -> Option<i64> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
    parse_time_ref(s, zone, now)
}

/// `parse_time` with `ref_us` as the reference instant for the year of
/// syslog stamps: the year that puts the stamp closest before it, allowing
/// up to one day in the future.
pub fn parse_time_ref(s: &[u8], zone: &Zone, ref_us: i64) -> Option<i64> {
    let s = trim(s);
    let s = if s.len() >= 2 && s[0] == b'[' && s[s.len() - 1] == b']' { trim(&s[1..s.len() - 1]) } else { s };
    if s.len() < 8 {
        return None;
    }
    let mut st = Stamp::default();
    let c = s[0];
    let ok = if c.is_ascii_digit() && s.len() >= 10 && (s[4] == b'-' || s[4] == b'/') {
        parse_iso(s, &mut st)
    } else if c.is_ascii_digit() && s.len() >= 11 && s[2] == b'/' {
        parse_clf(s, &mut st)
    } else if c.is_ascii_alphabetic() && s.len() >= 23 && s[3] == b' ' && s[7] == b' ' && is_weekday(&s[0..3]) {
        parse_ctime(s, &mut st)
    } else if c.is_ascii_alphabetic() {
        parse_syslog(s, &mut st)
    } else {
        false
    };
    if !ok || st.hour > 23 || st.min > 59 || st.sec > 59 || st.month < 1 || st.month > 12 || st.day < 1 {
        return None;
    }
    if st.year == NO_YEAR {
        return syslog_year(&mut st, zone, ref_us);
    }
    if st.day > days_in(st.month, st.year) {
        return None;
    }
    Some(st.to_unix_micro(zone))
}

/// The value of a field known to hold a time: `parse_time`, then `parse_epoch`.
pub fn parse_time_field(s: &[u8], zone: &Zone) -> Option<i64> {
    parse_time(s, zone).or_else(|| parse_epoch(s))
}

/// `parse_time_field` with a reference instant (see `parse_time_ref`).
pub fn parse_time_field_ref(s: &[u8], zone: &Zone, ref_us: i64) -> Option<i64> {
    parse_time_ref(s, zone, ref_us).or_else(|| parse_epoch(s))
}

/// A bare epoch number with an optional fraction; the unit follows the
/// magnitude: below 10^11 seconds, 10^14 milliseconds, 10^17 microseconds,
/// else nanoseconds.
pub fn parse_epoch(s: &[u8]) -> Option<i64> {
    let s = trim(s);
    let mut i = 0;
    let mut v: u64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if i >= 19 {
            return None;
        }
        v = v * 10 + (s[i] - b'0') as u64;
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let mut frac: i64 = 0;
    if i < s.len() {
        if s[i] != b'.' || i + 1 >= s.len() {
            return None;
        }
        i += 1;
        let mut n = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if n < 9 {
                frac = frac * 10 + (s[i] - b'0') as i64;
                n += 1;
            }
            i += 1;
        }
        if i != s.len() {
            return None;
        }
        while n < 9 {
            frac *= 10;
            n += 1;
        }
    }
    if v > i64::MAX as u64 {
        return None;
    }
    let iv = v as i64;
    Some(if v < 100_000_000_000 {
        iv * 1_000_000 + frac / 1_000
    } else if v < 100_000_000_000_000 {
        iv * 1_000 + frac / 1_000_000
    } else if v < 100_000_000_000_000_000 {
        iv + frac / 1_000_000_000
    } else {
        iv / 1_000
    })
}

const NO_YEAR: i64 = -(1 << 30);

#[derive(Default)]
struct Stamp {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    us: i64,
    has_zone: bool,
    offset: i64,
}

impl Stamp {
    fn to_unix_micro(&self, zone: &Zone) -> i64 {
        let local = days_from_civil(self.year, self.month, self.day) * 86400 + self.hour * 3600 + self.min * 60 + self.sec;
        let secs = if self.has_zone { local - self.offset } else { zone.local_to_unix(local) };
        secs * 1_000_000 + self.us
    }
}

fn syslog_year(st: &mut Stamp, zone: &Zone, ref_us: i64) -> Option<i64> {
    let limit = ref_us + 86_400 * 1_000_000;
    let ref_s = ref_us.div_euclid(1_000_000);
    let y0 = civil_year(ref_s + zone.offset_at(ref_s) as i64);
    let mut y = y0 + 1;
    while y >= y0 - 1 {
        if st.day <= days_in(st.month, y) {
            st.year = y;
            let us = st.to_unix_micro(zone);
            if us <= limit {
                return Some(us);
            }
        }
        y -= 1;
    }
    // Feb 29 with no leap year nearby: search further back
    for y in (y0 - 8..=y0 - 2).rev() {
        if st.day <= days_in(st.month, y) {
            st.year = y;
            return Some(st.to_unix_micro(zone));
        }
    }
    None
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = s {
        s = rest;
    }
    s
}

/// Exactly `n` digits at s[i..].
fn digits(s: &[u8], i: usize, n: usize) -> Option<i64> {
    if i + n > s.len() {
        return None;
    }
    let mut v = 0i64;
    for &c in &s[i..i + n] {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    Some(v)
}

/// YYYY-MM-DD[T ]hh:mm[:ss][.frac][ ][zone], or with slashes.
fn parse_iso(s: &[u8], st: &mut Stamp) -> bool {
    let sep = s[4];
    let (Some(y), Some(m)) = (digits(s, 0, 4), digits(s, 5, 2)) else { return false };
    if s[7] != sep {
        return false;
    }
    let Some(d) = digits(s, 8, 2) else { return false };
    st.year = y;
    st.month = m;
    st.day = d;
    if s.len() < 16 || !(s[10] == b'T' || s[10] == b' ' || s[10] == b't') {
        return false;
    }
    match parse_clock(s, 11, st, sep == b'-') {
        Some(i) => parse_zone(s, i, st),
        None => false,
    }
}

/// DD/Mon/YYYY:hh:mm:ss[ zone] (Apache / nginx access log).
fn parse_clf(s: &[u8], st: &mut Stamp) -> bool {
    let Some(d) = digits(s, 0, 2) else { return false };
    st.day = d;
    if s.len() < 20 || s[2] != b'/' || s[6] != b'/' || s[11] != b':' {
        return false;
    }
    st.month = month_index(&s[3..6]);
    if st.month == 0 {
        return false;
    }
    let Some(y) = digits(s, 7, 4) else { return false };
    st.year = y;
    match parse_clock(s, 12, st, false) {
        Some(i) => parse_zone(s, i, st),
        None => false,
    }
}

/// Mon DD hh:mm:ss[.frac] or Mon  D hh:mm:ss (no year, no zone).
fn parse_syslog(s: &[u8], st: &mut Stamp) -> bool {
    if s.len() < 14 || s[3] != b' ' {
        return false;
    }
    st.month = month_index(&s[0..3]);
    if st.month == 0 {
        return false;
    }
    let Some(i) = parse_day(s, 4, st) else { return false };
    match parse_clock(s, i, st, false) {
        Some(i) if i == s.len() => {
            st.year = NO_YEAR;
            true
        }
        _ => false,
    }
}

/// The day of a syslog or ctime stamp at s[i]: one or two digits, maybe
/// after a padding space, then a space. Returns the index after that space.
fn parse_day(s: &[u8], mut i: usize, st: &mut Stamp) -> Option<usize> {
    if i < s.len() && s[i] == b' ' {
        i += 1;
    }
    let (mut d, mut n) = (0, 0);
    while i < s.len() && s[i].is_ascii_digit() && n < 2 {
        d = d * 10 + (s[i] - b'0') as i64;
        i += 1;
        n += 1;
    }
    if n == 0 || i >= s.len() || s[i] != b' ' {
        return None;
    }
    st.day = d;
    Some(i + 1)
}

/// Www Mmm DD hh:mm:ss[.frac] YYYY (ctime/asctime); no zone.
fn parse_ctime(s: &[u8], st: &mut Stamp) -> bool {
    st.month = month_index(&s[4..7]);
    if st.month == 0 {
        return false;
    }
    let Some(i) = parse_day(s, 8, st) else { return false };
    let Some(i) = parse_clock(s, i, st, false) else { return false };
    if i + 5 != s.len() || s[i] != b' ' {
        return false;
    }
    match digits(s, i + 1, 4) {
        Some(y) => {
            st.year = y;
            true
        }
        None => false,
    }
}

fn is_weekday(w: &[u8]) -> bool {
    let w = [w[0] | 0x20, w[1] | 0x20, w[2] | 0x20];
    matches!(&w, b"mon" | b"tue" | b"wed" | b"thu" | b"fri" | b"sat" | b"sun")
}

/// hh:mm[:ss][.frac] at s[i..]; the index after it.
fn parse_clock(s: &[u8], i: usize, st: &mut Stamp, sec_optional: bool) -> Option<usize> {
    st.hour = digits(s, i, 2)?;
    if i + 2 >= s.len() || s[i + 2] != b':' {
        return None;
    }
    st.min = digits(s, i + 3, 2)?;
    let mut i = i + 5;
    if i < s.len() && s[i] == b':' {
        st.sec = digits(s, i + 1, 2)?;
        i += 3;
    } else if !sec_optional {
        return None;
    }
    if i + 1 < s.len() && (s[i] == b'.' || s[i] == b',') && s[i + 1].is_ascii_digit() {
        return parse_frac(s, i + 1, st);
    }
    Some(i)
}

/// The 1 to 9 digits of a fraction of a second at s[i..].
fn parse_frac(s: &[u8], mut i: usize, st: &mut Stamp) -> Option<usize> {
    let (mut n, mut f) = (0, 0i64);
    while i < s.len() && s[i].is_ascii_digit() {
        if n >= 9 {
            return None;
        }
        if n < 6 {
            f = f * 10 + (s[i] - b'0') as i64;
        }
        n += 1;
        i += 1;
    }
    if n == 0 {
        return None;
    }
    for _ in n..6 {
        f *= 10;
    }
    st.us = f;
    Some(i)
}

/// An optional zone that ends the text: Z, ±hh:mm, ±hhmm, ±hh, or an
/// abbreviation of the table, optionally after one space.
fn parse_zone(s: &[u8], mut i: usize, st: &mut Stamp) -> bool {
    if i == s.len() {
        return true;
    }
    if s[i] == b' ' {
        i += 1;
        if i == s.len() {
            return false;
        }
    }
    let c = s[i];
    if c == b'+' || c == b'-' {
        let Some(h) = digits(s, i + 1, 2) else { return false };
        let j = i + 3;
        let m = if j == s.len() {
            0
        } else if s[j] == b':' && j + 3 == s.len() {
            match digits(s, j + 1, 2) {
                Some(m) => m,
                None => return false,
            }
        } else if j + 2 == s.len() {
            match digits(s, j, 2) {
                Some(m) => m,
                None => return false,
            }
        } else {
            return false;
        };
        if h > 23 || m > 59 {
            return false;
        }
        let off = h * 3600 + m * 60;
        st.offset = if c == b'-' { -off } else { off };
        st.has_zone = true;
        return true;
    }
    match zone_abbrev(&s[i..]) {
        Some(off) => {
            st.offset = off;
            st.has_zone = true;
            true
        }
        None => false,
    }
}

fn zone_abbrev(z: &[u8]) -> Option<i64> {
    if z.is_empty() || z.len() > 4 || !z.iter().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut u = [0u8; 4];
    for (k, c) in z.iter().enumerate() {
        u[k] = c.to_ascii_uppercase();
    }
    let h = match &u[..z.len()] {
        b"Z" | b"UT" | b"UTC" | b"GMT" | b"WET" => 0,
        b"EST" => -5,
        b"EDT" => -4,
        b"CST" => -6,
        b"CDT" => -5,
        b"MST" => -7,
        b"MDT" => -6,
        b"PST" => -8,
        b"PDT" => -7,
        b"CET" | b"WEST" | b"BST" => 1,
        b"CEST" | b"EET" => 2,
        b"EEST" => 3,
        b"JST" => 9,
        _ => return None,
    };
    Some(h * 3600)
}

fn month_index(m: &[u8]) -> i64 {
    if m.len() != 3 {
        return 0;
    }
    let m = [m[0] | 0x20, m[1] | 0x20, m[2] | 0x20];
    const MONTHS: [&[u8; 3]; 12] = [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    MONTHS.iter().position(|x| **x == m).map(|i| i as i64 + 1).unwrap_or(0)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(m: i64, y: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil year of a count of local seconds since 1970.
fn civil_year(local: i64) -> i64 {
    let z = local.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + if m <= 2 { 1 } else { 0 }
}
