package logmill

// This file includes the contract header itself, so that a change of
// LOGMILL_ABI_VERSION or of the return codes fails the build here. It also
// defines the ABI block (LogmillAbiBlock), which logmill reads from the .so
// file before loading it. (The
// exports live in exports.go, whose preamble cannot include logmill.h: cgo
// writes its own prototypes for //export functions, without `const`.)

/*
#cgo CFLAGS: -I${SRCDIR}/../..
#include "logmill.h"
LOGMILL_ABI_BLOCK();
*/
import "C"

// AbiVersion is LOGMILL_ABI_VERSION of contract/logmill.h.
const AbiVersion = int32(C.LOGMILL_ABI_VERSION)

const (
	parseError     = int64(C.LOGMILL_PARSE_ERROR)
	parseNeedSpace = int64(C.LOGMILL_PARSE_NEED_SPACE)
)
