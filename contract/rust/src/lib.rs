//! Write a logmill processor plugin in Rust (contract/logmill.h), std only.
//!
//! ```ignore
//! use logmill::{Batch, Processor, Record};
//!
//! #[derive(Default)]
//! struct Mine { line: u64 }
//!
//! impl Processor for Mine {
//!     fn name(&self) -> &str { "mine" }
//!     fn parse(&mut self, input: &[u8], eof: bool, out: &mut Batch) -> Result<usize, String> {
//!         /* add complete records with out.add(&Record { .. }); return the bytes consumed */
//!         Ok(0)
//!     }
//! }
//!
//! logmill::export_processor!(Mine::default);
//! ```
//!
//! Build as a `cdylib` (`crate-type = ["cdylib"]`). `export_processor!`
//! writes every required C export plus ProcessorExtensions, ProcessorAbout
//! and ProcessorConfigure; `export_detect!()` and `export_resync!()` add
//! the optional ones (export them only if you implement them). Every call
//! into your code runs under `catch_unwind`: a panic becomes an error of
//! that stream (ProcessorLastError says `panic: ...`), never an unwind into
//! logmill. Build with the default `panic = "unwind"` for that to work.

pub mod batch;
#[doc(hidden)]
pub mod ffi;
pub mod time;
pub mod tz;

pub use batch::{severity, Batch, Record, FLAG_HAS_TIME, FLAG_MALFORMED};
pub use time::{parse_epoch, parse_time, parse_time_field, parse_time_ref};
pub use tz::Zone;

/// LOGMILL_ABI_VERSION of contract/logmill.h.
pub const ABI_VERSION: i32 = 1;
/// LOGMILL_ABI_MAGIC: the magic of the ABI block.
pub const ABI_MAGIC: u32 = 0x4C4D_4142;

/// logmill_abi_block of logmill.h: `export_processor!` exports it as
/// LogmillAbiBlock, which logmill reads from the .so file before loading it.
#[repr(C)]
pub struct AbiBlock {
    pub size: u32,
    pub magic: u32,
    pub abi_version: i32,
    pub reserved: u32,
}

impl AbiBlock {
    pub const CURRENT: AbiBlock = AbiBlock { size: std::mem::size_of::<AbiBlock>() as u32, magic: ABI_MAGIC, abi_version: ABI_VERSION, reserved: 0 };
}

/// LOGMILL_PARSE_ERROR.
pub const PARSE_ERROR: i64 = -1;
/// LOGMILL_PARSE_NEED_SPACE.
pub const PARSE_NEED_SPACE: i64 = -2;

/// One log format. A new value is made per input stream (the factory given
/// to `export_processor!`).
pub trait Processor {
    /// The format name, `[a-z0-9_-]{1,32}`: what users pass to --format.
    fn name(&self) -> &str;

    /// Parses the next bytes of the stream (the contract of ProcessorParse):
    /// add every complete record to `out` (stop when `add` returns false) and
    /// return the bytes consumed. Do not consume an incomplete record unless
    /// `eof`; with `eof`, consume everything. Err stops this stream.
    fn parse(&mut self, input: &[u8], eof: bool, out: &mut Batch) -> Result<usize, String>;

    /// File extensions this format claims, lower case, without dots.
    fn extensions(&self) -> &[&str] {
        &[]
    }

    /// 0..=100: how likely `head` (the first bytes of a file) is this format.
    /// Exported only with `export_detect!()`.
    fn detect(&self, _head: &[u8]) -> i32 {
        0
    }

    /// The index (>= 1) in `data` of the first record starting after
    /// data[0], or -1. Exported only with `export_resync!()`.
    fn resync(&self, _data: &[u8]) -> i64 {
        -1
    }

    /// (field, kind) pairs for ProcessorFieldKinds: fields whose values are
    /// not text, kind "integer", "float", "boolean" or "string"; logmill then
    /// writes them typed in `parse` and `sql`.
    fn field_kinds(&self) -> Vec<(&str, &str)> {
        Vec::new()
    }

    /// (key, value) pairs for ProcessorAbout: version, language, description.
    fn about(&self) -> Vec<(&str, String)> {
        vec![("language", "rust".to_string())]
    }

    /// The zone for stamps without one (the `tz` option logmill always passes).
    fn set_zone(&mut self, _zone: Zone) {}

    /// A user option `--opt NAME.key=value`. Err for an unknown key or bad value.
    fn configure(&mut self, key: &str, _value: &str) -> Result<(), String> {
        Err(format!("unknown option \"{}\"", key))
    }
}

/// Exports the required C functions (and ProcessorExtensions,
/// ProcessorAbout, ProcessorConfigure, ProcessorFieldKinds) for the
/// processor `factory` makes.
#[macro_export]
macro_rules! export_processor {
    ($factory:expr) => {
        #[no_mangle]
        #[used]
        pub static LogmillAbiBlock: $crate::AbiBlock = $crate::AbiBlock::CURRENT;
        #[no_mangle]
        pub extern "C" fn LogmillAbiVersion() -> i32 {
            $crate::ABI_VERSION
        }
        #[no_mangle]
        pub extern "C" fn NewProcessor() -> *mut $crate::ffi::Handle {
            $crate::ffi::new_processor(|| Box::new(($factory)()))
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorName(p: *mut $crate::ffi::Handle) -> *const std::os::raw::c_char {
            $crate::ffi::name(p)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorParse(p: *mut $crate::ffi::Handle, input: *const u8, input_len: i64, eof: i32, out: *mut u8, out_cap: i64) -> i64 {
            $crate::ffi::parse(p, input, input_len, eof, out, out_cap)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorLastError(p: *mut $crate::ffi::Handle) -> *const std::os::raw::c_char {
            $crate::ffi::last_error(p)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorFree(p: *mut $crate::ffi::Handle) {
            $crate::ffi::free(p)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorExtensions(p: *mut $crate::ffi::Handle) -> *const std::os::raw::c_char {
            $crate::ffi::extensions(p)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorAbout(p: *mut $crate::ffi::Handle) -> *const std::os::raw::c_char {
            $crate::ffi::about(p)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorConfigure(p: *mut $crate::ffi::Handle, key: *const std::os::raw::c_char, value: *const std::os::raw::c_char) -> i32 {
            $crate::ffi::configure(p, key, value)
        }
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorFieldKinds(p: *mut $crate::ffi::Handle) -> *const std::os::raw::c_char {
            $crate::ffi::field_kinds(p)
        }
    };
}

/// Exports ProcessorDetect (Processor::detect): files without a claimed
/// extension are routed by it.
#[macro_export]
macro_rules! export_detect {
    () => {
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorDetect(p: *mut $crate::ffi::Handle, head: *const u8, head_len: i64) -> i32 {
            $crate::ffi::detect(p, head, head_len)
        }
    };
}

/// Exports ProcessorResync (Processor::resync): lets logmill split a large
/// file; only for formats where a fresh processor can start at any record.
#[macro_export]
macro_rules! export_resync {
    () => {
        #[no_mangle]
        pub unsafe extern "C" fn ProcessorResync(p: *mut $crate::ffi::Handle, data: *const u8, data_len: i64) -> i64 {
            $crate::ffi::resync(p, data, data_len)
        }
    };
}
