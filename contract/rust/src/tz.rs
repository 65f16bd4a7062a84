//! Time zones for stamps without one (the `tz` option): UTC, a fixed
//! offset, or an IANA zone read from the system's TZif files
//! (/usr/share/zoneinfo, or $ZONEINFO), std only. Past the last transition in
//! the file the last offset holds (tzdata "fat" files list transitions to
//! 2037).

use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Zone {
    Fixed(i32),
    Tz(Arc<TzData>),
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed(0);

    /// Parses the `tz` option like the Go SDK: "", UTC, GMT, Z, local, ±hh[:mm],
    /// ±hhmm, UTC±h, or an IANA name.
    pub fn parse(v: &str) -> Result<Zone, String> {
        let s = v.trim();
        match s.to_ascii_lowercase().as_str() {
            "" | "utc" | "z" | "gmt" => return Ok(Zone::UTC),
            "local" => return Ok(local()),
            _ => {}
        }
        let upper = s.to_ascii_uppercase();
        let off = if upper.starts_with("UTC") || upper.starts_with("GMT") { &s[3..] } else { s };
        if off.starts_with('+') || off.starts_with('-') {
            let sign = if off.starts_with('-') { -1 } else { 1 };
            let body = &off[1..];
            let (hs, ms) = if let Some((h, m)) = body.split_once(':') {
                (h, m)
            } else if body.len() == 4 {
                (&body[..2], &body[2..])
            } else {
                (body, "0")
            };
            let bad = || format!("bad tz offset \"{}\" (want ±hh:mm)", v);
            let hh: i32 = hs.parse().map_err(|_| bad())?;
            let mm: i32 = ms.parse().map_err(|_| bad())?;
            if hs.is_empty() || hs.len() > 2 || hh > 23 || !(0..=59).contains(&mm) {
                return Err(bad());
            }
            return Ok(Zone::Fixed(sign * (hh * 3600 + mm * 60)));
        }
        if s.contains("..") || s.starts_with('/') {
            return Err(unknown(v));
        }
        let dir = std::env::var("ZONEINFO").unwrap_or_else(|_| "/usr/share/zoneinfo".to_string());
        let bytes = std::fs::read(format!("{}/{}", dir, s)).map_err(|_| unknown(v))?;
        TzData::parse(&bytes).map(|t| Zone::Tz(Arc::new(t))).ok_or_else(|| unknown(v))
    }

    /// Seconds east of UTC at the instant `unix`.
    pub fn offset_at(&self, unix: i64) -> i32 {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Tz(t) => t.lookup(unix).0,
        }
    }

    /// The instant of a civil time read in this zone (`local` = that civil
    /// time's seconds as if it were UTC), choosing like Go's time.Date.
    pub fn local_to_unix(&self, local: i64) -> i64 {
        match self {
            Zone::Fixed(o) => local - *o as i64,
            Zone::Tz(t) => {
                let (mut offset, start, end) = t.lookup(local);
                if offset != 0 {
                    let utc = local - offset as i64;
                    if utc < start || utc >= end {
                        offset = t.lookup(utc).0;
                    }
                }
                local - offset as i64
            }
        }
    }
}

fn unknown(v: &str) -> String {
    format!("unknown tz \"{}\" (want an IANA zone name, UTC, local or ±hh:mm)", v)
}

fn local() -> Zone {
    if let Ok(tz) = std::env::var("TZ") {
        if let Ok(z) = Zone::parse(tz.trim_start_matches(':')) {
            return z;
        }
    }
    std::fs::read("/etc/localtime").ok().and_then(|b| TzData::parse(&b)).map(|t| Zone::Tz(Arc::new(t))).unwrap_or(Zone::UTC)
}

#[derive(Debug)]
pub struct TzData {
    transitions: Vec<i64>,
    /// Index into `offsets` for each transition.
    kinds: Vec<u8>,
    /// (seconds east of UTC, is DST)
    offsets: Vec<(i32, bool)>,
}

impl TzData {
    /// Reads a TZif file (version 1, or the 64-bit data of versions 2+).
    pub fn parse(b: &[u8]) -> Option<TzData> {
        let counts = |h: &[u8]| -> Option<[usize; 6]> {
            if h.len() < 44 || &h[..4] != b"TZif" {
                return None;
            }
            let mut c = [0usize; 6];
            for (i, v) in c.iter_mut().enumerate() {
                *v = u32::from_be_bytes(h[20 + 4 * i..24 + 4 * i].try_into().ok()?) as usize;
            }
            Some(c)
        };
        let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(b)?;
        let v1_len = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
        let (data, wide) = if b[4] >= b'2' && b.len() > 44 + v1_len {
            (&b[44 + v1_len..], true)
        } else {
            (b, false)
        };
        let [_, _, _, timecnt, typecnt, _] = counts(data)?;
        let tsize = if wide { 8 } else { 4 };
        let mut p = 44;
        let need = p + timecnt * (tsize + 1) + typecnt * 6;
        if data.len() < need || typecnt == 0 {
            return None;
        }
        let mut transitions = Vec::with_capacity(timecnt);
        for i in 0..timecnt {
            let at = &data[p + i * tsize..p + (i + 1) * tsize];
            transitions.push(if wide { i64::from_be_bytes(at.try_into().ok()?) } else { i32::from_be_bytes(at.try_into().ok()?) as i64 });
        }
        p += timecnt * tsize;
        let kinds = data[p..p + timecnt].to_vec();
        p += timecnt;
        let mut offsets = Vec::with_capacity(typecnt);
        for i in 0..typecnt {
            let t = &data[p + i * 6..p + i * 6 + 6];
            offsets.push((i32::from_be_bytes(t[..4].try_into().ok()?), t[4] != 0));
        }
        if kinds.iter().any(|&k| k as usize >= typecnt) {
            return None;
        }
        Some(TzData { transitions, kinds, offsets })
    }

    /// (offset, start, end) of the period holding `unix`, like Go's Location.lookup.
    fn lookup(&self, unix: i64) -> (i32, i64, i64) {
        let n = self.transitions.len();
        if n == 0 || unix < self.transitions[0] {
            // Before the first transition: the first standard-time type.
            let first = self.offsets.iter().find(|o| !o.1).unwrap_or(&self.offsets[0]);
            let end = if n == 0 { i64::MAX } else { self.transitions[0] };
            return (first.0, i64::MIN, end);
        }
        let i = self.transitions.partition_point(|&t| t <= unix) - 1;
        let end = if i + 1 < n { self.transitions[i + 1] } else { i64::MAX };
        (self.offsets[self.kinds[i] as usize].0, self.transitions[i], end)
    }
}
