//! The record batch (contract/BATCH.md) written into the `out` buffer of
//! ProcessorParse. `Batch::add` writes one whole record or nothing.

pub const BATCH_MAGIC: u32 = 0x3142_4D4C;
pub const BATCH_HEADER: usize = 16;
pub const RECORD_HEADER: usize = 32;
pub const FLAG_HAS_TIME: u8 = 0x01;
pub const FLAG_MALFORMED: u8 = 0x02;

/// Normalized severities (BATCH.md). `UNKNOWN` with a `severity_text` lets
/// logmill map the text (SEVERITY.md).
pub mod severity {
    pub const UNKNOWN: u8 = 0;
    pub const TRACE: u8 = 1;
    pub const DEBUG: u8 = 2;
    pub const INFO: u8 = 3;
    pub const NOTICE: u8 = 4;
    pub const WARN: u8 = 5;
    pub const ERROR: u8 = 6;
    pub const FATAL: u8 = 7;
}

/// One record to write. `line` is 1-based in the stream (0 = no lines);
/// `offset` is where the record starts, relative to the start of THIS
/// call's `input`.
#[derive(Debug, Default, Clone)]
pub struct Record<'a> {
    pub severity: u8,
    pub severity_text: &'a [u8],
    pub message: &'a [u8],
    pub time_us: Option<i64>,
    pub line: u64,
    pub offset: usize,
    pub malformed: bool,
    pub fields: Vec<(&'a [u8], &'a [u8])>,
}

impl<'a> Record<'a> {
    /// The bytes this record takes in a batch.
    pub fn size(&self) -> usize {
        let strings: usize = self.fields.iter().map(|(k, v)| 8 + k.len() + v.len()).sum();
        RECORD_HEADER + 8 + self.severity_text.len() + self.message.len() + strings
    }
}

/// The batch being written into logmill's buffer.
pub struct Batch<'o> {
    out: &'o mut [u8],
    pos: usize,
    count: u32,
    /// The size of the first record that did not fit (for LOGMILL_PARSE_NEED_SPACE).
    need: usize,
}

impl<'o> Batch<'o> {
    pub fn new(out: &'o mut [u8]) -> Self {
        Batch { out, pos: BATCH_HEADER, count: 0, need: 0 }
    }

    /// Records written so far.
    pub fn len(&self) -> u32 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Writes `r` whole, or returns false (the batch is full: stop, and
    /// return the bytes consumed so far; logmill calls again with the rest).
    /// A record with more than 65,535 fields is written as a MALFORMED record
    /// saying so, like the Go SDK.
    pub fn add(&mut self, r: &Record) -> bool {
        if r.fields.len() > u16::MAX as usize {
            let msg = format!("record has {} fields, more than the 65535 a record batch can hold", r.fields.len());
            let m = Record { severity: 0, severity_text: b"", message: msg.as_bytes(), time_us: None, line: r.line, offset: r.offset, malformed: true, fields: Vec::new() };
            return self.add(&m);
        }
        let size = r.size();
        if self.pos + size > self.out.len() || size > u32::MAX as usize {
            if self.need == 0 {
                self.need = size;
            }
            return false;
        }
        let o = &mut self.out[self.pos..self.pos + size];
        o[0..4].copy_from_slice(&(size as u32).to_le_bytes());
        o[4] = r.severity;
        o[5] = if r.time_us.is_some() { FLAG_HAS_TIME } else { 0 } | if r.malformed { FLAG_MALFORMED } else { 0 };
        o[6..8].copy_from_slice(&(r.fields.len() as u16).to_le_bytes());
        o[8..16].copy_from_slice(&r.time_us.unwrap_or(0).to_le_bytes());
        o[16..24].copy_from_slice(&r.line.to_le_bytes());
        o[24..32].copy_from_slice(&(r.offset as u64).to_le_bytes());
        let mut p = RECORD_HEADER;
        let mut put = |s: &[u8]| {
            o[p..p + 4].copy_from_slice(&(s.len() as u32).to_le_bytes());
            o[p + 4..p + 4 + s.len()].copy_from_slice(s);
            p += 4 + s.len();
        };
        put(r.severity_text);
        put(r.message);
        for (k, v) in &r.fields {
            put(k);
            put(v);
        }
        self.pos += size;
        self.count += 1;
        true
    }

    /// Writes the header. The exports call it after Processor::parse returns.
    pub(crate) fn finish(&mut self) {
        if self.out.len() < BATCH_HEADER {
            return;
        }
        self.out[0..4].copy_from_slice(&BATCH_MAGIC.to_le_bytes());
        self.out[4..8].copy_from_slice(&self.count.to_le_bytes());
        self.out[8..12].copy_from_slice(&(self.pos as u32).to_le_bytes());
        self.out[12..16].copy_from_slice(&0u32.to_le_bytes());
    }

    /// For LOGMILL_PARSE_NEED_SPACE: the header says how much room one record needs.
    pub(crate) fn finish_need(&mut self) -> bool {
        if self.count > 0 || self.need == 0 || self.out.len() < BATCH_HEADER {
            return false;
        }
        let need = (self.need + BATCH_HEADER) as u32;
        self.out[0..4].copy_from_slice(&BATCH_MAGIC.to_le_bytes());
        self.out[4..8].copy_from_slice(&0u32.to_le_bytes());
        self.out[8..12].copy_from_slice(&need.to_le_bytes());
        self.out[12..16].copy_from_slice(&0u32.to_le_bytes());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of BATCH.md, byte for byte.
    #[test]
    fn writes_the_batch_md_example() {
        let mut out = vec![0u8; 256];
        let mut b = Batch::new(&mut out);
        let r = Record { severity_text: b"ERROR", message: b"disk full", time_us: Some(1795413280208000), line: 7, offset: 0, fields: vec![(b"host", b"db1")], ..Default::default() };
        assert!(b.add(&r));
        b.finish();
        let want: Vec<u8> = [
            &[0x4c, 0x4d, 0x42, 0x31, 1, 0, 0, 0, 0x55, 0, 0, 0, 0, 0, 0, 0][..],
            &[0x45, 0, 0, 0, 0, 1, 1, 0],
            &[0x80, 0xb4, 0xca, 0x3a, 0xeb, 0x60, 0x06, 0x00],
            &[7, 0, 0, 0, 0, 0, 0, 0],
            &[0, 0, 0, 0, 0, 0, 0, 0],
            &[5, 0, 0, 0], b"ERROR", &[9, 0, 0, 0], b"disk full",
            &[4, 0, 0, 0], b"host", &[3, 0, 0, 0], b"db1",
        ].concat();
        assert_eq!(&out[..want.len()], &want[..]);
    }

    #[test]
    fn a_full_batch_takes_nothing_and_asks_for_room() {
        let mut out = vec![0u8; 40];
        let mut b = Batch::new(&mut out);
        let r = Record { message: b"a message too long for forty bytes", ..Default::default() };
        assert!(!b.add(&r));
        assert!(b.finish_need());
        assert_eq!(u32::from_le_bytes(out[8..12].try_into().unwrap()) as usize, BATCH_HEADER + RECORD_HEADER + 8 + 34);
        assert_eq!(u32::from_le_bytes(out[4..8].try_into().unwrap()), 0);
    }
}
