//! The C exports' bodies: panics stay inside (an error of the stream),
//! NEED_SPACE when not one record fits, the tz option reaches set_zone.

use logmill::ffi;
use logmill::{Batch, Processor, Record, Zone, PARSE_ERROR, PARSE_NEED_SPACE};
use std::ffi::CStr;

#[derive(Default)]
struct Lines {
    zone_set: bool,
}

impl Processor for Lines {
    fn name(&self) -> &str {
        "lines"
    }
    fn parse(&mut self, input: &[u8], eof: bool, out: &mut Batch) -> Result<usize, String> {
        if input.starts_with(b"PANIC") {
            panic!("the plugin fell over");
        }
        if input.starts_with(b"FAIL") {
            return Err("cannot go on".into());
        }
        let mut pos = 0;
        while pos < input.len() {
            let end = match input[pos..].iter().position(|&c| c == b'\n') {
                Some(n) => pos + n,
                None if eof => input.len(),
                None => break,
            };
            if !out.add(&Record { message: &input[pos..end], offset: pos, ..Default::default() }) {
                break;
            }
            pos = (end + 1).min(input.len());
        }
        Ok(pos)
    }
    fn set_zone(&mut self, _zone: Zone) {
        self.zone_set = true;
    }
}

fn error_of(h: *mut ffi::Handle) -> String {
    unsafe { CStr::from_ptr(ffi::last_error(h)).to_string_lossy().into_owned() }
}

#[test]
fn a_panic_is_an_error_of_the_stream_not_an_unwind_into_logmill() {
    let h = ffi::new_processor(|| Box::new(Lines::default()));
    let mut out = vec![0u8; 1024];
    let input = b"PANIC now\n";
    let r = unsafe { ffi::parse(h, input.as_ptr(), input.len() as i64, 0, out.as_mut_ptr(), out.len() as i64) };
    assert_eq!(r, PARSE_ERROR);
    assert_eq!(error_of(h), "panic: the plugin fell over");
    // The handle still works afterwards.
    let input = b"a\nb\n";
    let r = unsafe { ffi::parse(h, input.as_ptr(), input.len() as i64, 1, out.as_mut_ptr(), out.len() as i64) };
    assert_eq!(r, 4);
    assert_eq!(u32::from_le_bytes(out[4..8].try_into().unwrap()), 2);
    assert_eq!(error_of(h), "");
    unsafe { ffi::free(h) };
}

#[test]
fn a_factory_that_panics_returns_null_and_says_why() {
    let h = ffi::new_processor(|| panic!("no license"));
    assert!(h.is_null());
    assert_eq!(error_of(h), "panic: no license");
}

#[test]
fn err_and_need_space() {
    let h = ffi::new_processor(|| Box::new(Lines::default()));
    let mut out = vec![0u8; 48];
    let input = b"FAIL\n";
    assert_eq!(unsafe { ffi::parse(h, input.as_ptr(), 5, 0, out.as_mut_ptr(), 48) }, PARSE_ERROR);
    assert_eq!(error_of(h), "cannot go on");
    let input = b"a line longer than what forty-eight bytes of batch can hold\n";
    assert_eq!(unsafe { ffi::parse(h, input.as_ptr(), input.len() as i64, 0, out.as_mut_ptr(), 48) }, PARSE_NEED_SPACE);
    assert_eq!(u32::from_le_bytes(out[8..12].try_into().unwrap()) as usize, 16 + 32 + 8 + input.len() - 1);
    unsafe { ffi::free(h) };
}

#[test]
fn tz_goes_to_set_zone_and_a_bad_one_is_refused() {
    let h = ffi::new_processor(|| Box::new(Lines::default()));
    assert_eq!(unsafe { ffi::configure(h, c"tz".as_ptr(), c"Europe/Berlin".as_ptr()) }, 0);
    assert_eq!(unsafe { ffi::configure(h, c"tz".as_ptr(), c"Mars/Olympus".as_ptr()) }, 1);
    assert!(error_of(h).starts_with("unknown tz \"Mars/Olympus\""));
    assert_eq!(unsafe { ffi::configure(h, c"color".as_ptr(), c"red".as_ptr()) }, 1);
    assert_eq!(error_of(h), "unknown option \"color\"");
    unsafe { ffi::free(h) };
}

struct Typed;

impl Processor for Typed {
    fn name(&self) -> &str {
        "typed"
    }
    fn parse(&mut self, input: &[u8], _eof: bool, _out: &mut Batch) -> Result<usize, String> {
        Ok(input.len())
    }
    fn field_kinds(&self) -> Vec<(&str, &str)> {
        vec![("status", "integer"), ("took", "float")]
    }
}

#[test]
fn field_kinds_are_lines_name_equals_kind_and_none_by_default() {
    let text = |h: *mut ffi::Handle| unsafe { CStr::from_ptr(ffi::field_kinds(h)).to_string_lossy().into_owned() };
    let h = ffi::new_processor(|| Box::new(Typed));
    assert_eq!(text(h), "status=integer\ntook=float");
    unsafe { ffi::free(h) };
    let h = ffi::new_processor(|| Box::new(Lines::default()));
    assert_eq!(text(h), "");
    unsafe { ffi::free(h) };
}
