//! The logmill plugin __NAME__: one record per line, `TIMESTAMP LEVEL message`.
//! Change `record` for your format; `make test` checks it on sample.log.

use logmill::{parse_time, Batch, Processor, Record, Zone};

#[derive(Default)]
pub struct Plugin {
    /// Lines consumed so far, across parse calls.
    line: u64,
    /// For stamps without a zone (logmill's --tz).
    zone: Option<Zone>,
}

impl Processor for Plugin {
    fn name(&self) -> &str {
        "__NAME__"
    }

    /// Files named *.__NAME__ come to this plugin. (To be chosen by content
    /// too, implement `detect` and add `logmill::export_detect!();`.)
    fn extensions(&self) -> &[&str] {
        &["__NAME__"]
    }

    fn about(&self) -> Vec<(&str, String)> {
        vec![("version", "0.1.0".into()), ("language", "rust".into()), ("description", "__NAME__ logs: TIMESTAMP LEVEL message".into())]
    }

    fn set_zone(&mut self, zone: Zone) {
        self.zone = Some(zone);
    }

    /// A record per complete line; returns the bytes consumed. A line without
    /// its newline is complete only at eof; otherwise logmill calls again
    /// with it first and more appended.
    fn parse(&mut self, input: &[u8], eof: bool, out: &mut Batch) -> Result<usize, String> {
        let mut consumed = 0;
        while consumed < input.len() {
            let (end, next) = match input[consumed..].iter().position(|&c| c == b'\n') {
                Some(n) => (consumed + n, consumed + n + 1),
                None if eof => (input.len(), input.len()),
                None => break,
            };
            let line = input[consumed..end].strip_suffix(b"\r").unwrap_or(&input[consumed..end]);
            if !line.iter().all(|c| c.is_ascii_whitespace()) {
                let mut rec = self.record(line);
                rec.line = self.line + 1;
                rec.offset = consumed; // relative to this call's input
                if !out.add(&rec) {
                    break; // the batch is full: logmill calls again with the rest
                }
            }
            self.line += 1;
            consumed = next;
        }
        Ok(consumed)
    }

    /// Every newline ends a record, and a fresh processor can start at any
    /// line: logmill may split a large file at the line starts this names.
    fn resync(&self, data: &[u8]) -> i64 {
        match data.iter().position(|&c| c == b'\n') {
            Some(n) if n + 1 < data.len() => (n + 1) as i64,
            _ => -1,
        }
    }
}

impl Plugin {
    /// One line: a timestamp (one word, or a date and a clock), a level, the message.
    fn record<'a>(&self, line: &'a [u8]) -> Record<'a> {
        let zone = self.zone.clone().unwrap_or(Zone::UTC);
        let spaces: Vec<usize> = line.iter().enumerate().filter(|(_, &c)| c == b' ').map(|(i, _)| i).take(2).collect();
        let ends = [spaces.get(1).copied(), Some(spaces.first().copied().unwrap_or(line.len()))];
        for end in ends.into_iter().flatten() {
            if let Some(us) = parse_time(&line[..end], &zone) {
                let rest = line[end..].trim_ascii_start();
                let (level, message) = match rest.iter().position(|&c| c == b' ') {
                    Some(sp) => (&rest[..sp], &rest[sp + 1..]),
                    None => (rest, &b""[..]),
                };
                // severity 0: logmill maps the level text (SEVERITY.md)
                return Record { time_us: Some(us), severity_text: level, message, ..Default::default() };
            }
        }
        Record { malformed: true, message: &b"no timestamp at the start of the line"[..], fields: vec![(&b"raw"[..], line)], ..Default::default() }
    }
}

logmill::export_processor!(Plugin::default);
logmill::export_resync!();

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of sample.log is a record (one of them malformed), and at
    /// eof everything is consumed. `make test` also runs `logmill plugins check`.
    #[test]
    fn sample() {
        let sample = std::fs::read("sample.log").unwrap();
        let mut out = vec![0u8; 1 << 20];
        let mut batch = Batch::new(&mut out);
        let n = Plugin::default().parse(&sample, true, &mut batch).unwrap();
        assert_eq!(n, sample.len());
        assert_eq!(batch.len(), 6);
    }
}
