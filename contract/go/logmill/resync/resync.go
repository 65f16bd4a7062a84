// Package resync exports ProcessorResync (contract/logmill.h) for a Go
// plugin whose processor implements logmill.Resyncer. Import it for its
// side effect, in the plugin's package main:
//
//	import _ "github.com/logmill/logmill/contract/go/logmill/resync"
//
// It is a package of its own because logmill splits a file only for plugins
// that export ProcessorResync: a plugin that does not import it is never
// split, whatever its methods.
package resync

/*
#include <stdint.h>
*/
import "C"

import (
	"unsafe"

	"github.com/logmill/logmill/contract/go/logmill"
)

//export ProcessorResync
func ProcessorResync(p unsafe.Pointer, data *C.uint8_t, dataLen C.int64_t) C.int64_t {
	return C.int64_t(logmill.ResyncHandle(p, unsafe.Pointer(data), int64(dataLen)))
}
