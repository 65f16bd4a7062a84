//! The bodies of the C exports `export_processor!` writes: the handle
//! logmill holds, C strings owned by it, and `catch_unwind` around every
//! call into the plugin's code.

use crate::{Batch, Processor, Zone, PARSE_ERROR, PARSE_NEED_SPACE};
use std::any::Any;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

/// What logmill sees as `logmill_processor *`.
pub struct Handle {
    proc: Box<dyn Processor>,
    name: Option<CString>,
    ext: Option<CString>,
    about: Option<CString>,
    kinds: Option<CString>,
    err: CString,
}

static FACTORY_ERROR: Mutex<Option<CString>> = Mutex::new(None);

fn cstring(s: String) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

fn panic_text(e: Box<dyn Any + Send>) -> String {
    let what = e.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| e.downcast_ref::<String>().cloned());
    format!("panic: {}", what.unwrap_or_else(|| "(no message)".to_string()))
}

pub fn new_processor(make: impl FnOnce() -> Box<dyn Processor>) -> *mut Handle {
    match catch_unwind(AssertUnwindSafe(make)) {
        Ok(proc) => Box::into_raw(Box::new(Handle { proc, name: None, ext: None, about: None, kinds: None, err: CString::default() })),
        Err(e) => {
            *FACTORY_ERROR.lock().unwrap_or_else(|p| p.into_inner()) = Some(cstring(panic_text(e)));
            std::ptr::null_mut()
        }
    }
}

/// Runs `f` on the handle; a panic is recorded as the handle's error and `fallback` returned.
unsafe fn with<T>(p: *mut Handle, fallback: T, f: impl FnOnce(&mut Handle) -> T) -> T {
    let Some(h) = p.as_mut() else { return fallback };
    let err = &mut h.err as *mut CString;
    match catch_unwind(AssertUnwindSafe(|| f(h))) {
        Ok(v) => v,
        Err(e) => {
            *err = cstring(panic_text(e));
            fallback
        }
    }
}

fn cached(slot: &mut Option<CString>, make: impl FnOnce() -> String) -> *const c_char {
    slot.get_or_insert_with(|| cstring(make())).as_ptr()
}

pub unsafe fn name(p: *mut Handle) -> *const c_char {
    with(p, c"".as_ptr(), |h| {
        let proc = &h.proc;
        cached(&mut h.name, || proc.name().to_string())
    })
}

pub unsafe fn extensions(p: *mut Handle) -> *const c_char {
    with(p, c"".as_ptr(), |h| {
        let proc = &h.proc;
        cached(&mut h.ext, || proc.extensions().join(","))
    })
}

pub unsafe fn about(p: *mut Handle) -> *const c_char {
    with(p, c"".as_ptr(), |h| {
        let proc = &h.proc;
        cached(&mut h.about, || proc.about().iter().map(|(k, v)| format!("{}={}", k, v.replace('\n', " "))).collect::<Vec<_>>().join("\n"))
    })
}

pub unsafe fn field_kinds(p: *mut Handle) -> *const c_char {
    with(p, c"".as_ptr(), |h| {
        let proc = &h.proc;
        cached(&mut h.kinds, || proc.field_kinds().iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join("\n"))
    })
}

pub unsafe fn last_error(p: *mut Handle) -> *const c_char {
    match p.as_ref() {
        Some(h) => h.err.as_ptr(),
        None => match FACTORY_ERROR.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            // The CString lives in the static until the next factory failure.
            Some(s) => s.as_ptr(),
            None => c"".as_ptr(),
        },
    }
}

pub unsafe fn free(p: *mut Handle) {
    if !p.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(p))));
    }
}

pub unsafe fn parse(p: *mut Handle, input: *const u8, input_len: i64, eof: i32, out: *mut u8, out_cap: i64) -> i64 {
    let input: &[u8] = if input_len <= 0 || input.is_null() { &[] } else { std::slice::from_raw_parts(input, input_len as usize) };
    let out: &mut [u8] = if out_cap <= 0 || out.is_null() { &mut [] } else { std::slice::from_raw_parts_mut(out, out_cap as usize) };
    with(p, PARSE_ERROR, |h| {
        h.err = CString::default();
        let mut batch = Batch::new(out);
        match h.proc.parse(input, eof != 0, &mut batch) {
            Ok(n) if n > input.len() => {
                h.err = cstring(format!("parse returned {} bytes consumed of {}", n, input.len()));
                PARSE_ERROR
            }
            Ok(0) if batch.finish_need() => PARSE_NEED_SPACE,
            Ok(n) => {
                batch.finish();
                n as i64
            }
            Err(e) => {
                h.err = cstring(e);
                PARSE_ERROR
            }
        }
    })
}

unsafe fn text(s: *const c_char) -> String {
    if s.is_null() {
        String::new()
    } else {
        CStr::from_ptr(s).to_string_lossy().into_owned()
    }
}

pub unsafe fn configure(p: *mut Handle, key: *const c_char, value: *const c_char) -> i32 {
    let (key, value) = (text(key), text(value));
    with(p, 1, |h| {
        let res = if key == "tz" { Zone::parse(&value).map(|z| h.proc.set_zone(z)) } else { h.proc.configure(&key, &value) };
        match res {
            Ok(()) => 0,
            Err(e) => {
                h.err = cstring(e);
                1
            }
        }
    })
}

pub unsafe fn detect(p: *mut Handle, head: *const u8, head_len: i64) -> i32 {
    let head: &[u8] = if head_len <= 0 || head.is_null() { &[] } else { std::slice::from_raw_parts(head, head_len as usize) };
    with(p, 0, |h| h.proc.detect(head).clamp(0, 100))
}

pub unsafe fn resync(p: *mut Handle, data: *const u8, data_len: i64) -> i64 {
    let data: &[u8] = if data_len <= 0 || data.is_null() { &[] } else { std::slice::from_raw_parts(data, data_len as usize) };
    with(p, -1, |h| h.proc.resync(data))
}
