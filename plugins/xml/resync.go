package main

import (
	"bytes"

	_ "github.com/logmill/logmill/contract/go/logmill/resync" // exports ProcessorResync
)

// Splitting an XML log across cores (ProcessorResync in contract/logmill.h).
// logmill gives us bytes from an arbitrary point of the file and we name the
// first record start after data[0]: a start tag one level below the root
// (or a top-level element of a root-less log). What the file's top decides
// (the root element, whether there is one) reaches every range because
// logmill parses the file's first bytes with the range's processor first.
//
// A '<' followed by a name is a start tag unless it is inside a CDATA
// section, a comment or a processing instruction (inside text and attribute
// values '<' is always escaped), or it starts an element nested in a record
// (<date> inside <record>). Neither can be seen from the bytes before it, so
// each candidate is judged by what follows it, with a walk over its element
// and its following siblings as the parser reads them:
//
//   - text other than whitespace between siblings (the "]]>" or "-->" that
//     ends the CDATA section or comment the candidate was in), or an
//     element that is not well formed: not a record start.
//   - an end tag without its start tag (the candidate's parent closing):
//     followed by another start tag or end tag, the parent was a record or
//     deeper, so the candidate was nested: not a record start (comments and
//     processing instructions are skipped). Followed by a new document
//     (<?xml, <!DOCTYPE) the parent was the root: a record.
//     Followed by nothing in data, it was the root (or the parent record of
//     a log whose root is not closed yet): a record start only if its name
//     is a record name (below).
//   - the walk reaching the end of data, or resyncLook bytes past the
//     candidate: a record start if the candidate's local name is one a log
//     format uses for its records (record: java.util.logging; event:
//     log4j 1.x log4j:event and log4j2 Event; entry; logevent; see
//     isRecordName), none of which names a child of those records. Any
//     other name needs resyncSure bytes of walk without its parent closing.
//
// A wrong guess never changes an answer: logmill checks every boundary
// against the record the range before found there and fails the file
// loudly if they differ (so does `plugins check --sample` at every offset).
const (
	resyncLook = 64 << 10 // a CDATA section or comment holding fake records ends within this
	resyncSure = 1 << 20  // a record holding a run of other children ends within this
)

// Resync is logmill.Resyncer: it reads no parse state.
func (x *xmlProcessor) Resync(data []byte) int { return resyncXML(data) }

// resyncXML returns the index (>= 1) in data of the first record start after
// data[0], or -1 if none is certain in data.
func resyncXML(data []byte) int {
	var w walker
	return w.resync(data)
}

func (w *walker) resync(data []byte) int {
	for from := 1; from < len(data); {
		k := bytes.IndexByte(data[from:], '<')
		if k < 0 {
			return -1
		}
		k += from
		from = k + 1
		if k+1 < len(data) && isNameStart[data[k+1]] {
			ok, past := w.recordAt(data, k)
			if ok {
				return k
			}
			// Every '<' before past is in the same CDATA section, comment or
			// parent element as data[k]: judged the same, so not tried again
			// (a long run of small siblings would cost a walk each).
			if past > from {
				from = past
			}
		}
	}
	return -1
}

// walker skips elements without building anything; stack holds the names
// of the open elements of the one being skipped.
type walker struct {
	stack [][]byte
	tags  int // start tags walked over, in all: the cost of a resync
}

// recordAt judges the start tag at data[k] (see the comment at the top).
// When it is not a record start because of what the walk met at data[past]
// (the text closing a CDATA section or comment, the end tag of a nested
// parent), past says so; else past is 0.
func (w *walker) recordAt(data []byte, k int) (ok bool, past int) {
	j := k + 1
	for j < len(data) && isName[data[j]] {
		j++
	}
	recordNamed := isRecordName(localName(data[k+1 : j]))
	limit := resyncSure
	if recordNamed {
		limit = resyncLook
	}
	n := len(data)
	if n-k > limit {
		n = k + limit
	}
	in := data[:n]
	i := k
	for {
		for i < n && isSpace[in[i]] {
			i++
		}
		if i >= n {
			return recordNamed || n-k >= limit, 0
		}
		if in[i] != '<' {
			return false, i // text between siblings: we were in a CDATA section, a comment or mixed content
		}
		if i+1 >= n {
			return recordNamed || n-k >= limit, 0
		}
		switch c := in[i+1]; {
		case isNameStart[c]:
			end, st := w.skipElement(in, i)
			switch st {
			case scanErr:
				return false, 0
			case scanMore:
				return recordNamed || n-k >= limit, 0
			}
			i = end
		case c == '/':
			end, st := endTag(in, i)
			switch st {
			case scanErr:
				return false, 0
			case scanMore:
				return recordNamed || n-k >= limit, 0
			}
			if afterParentEnd(data, end, recordNamed) {
				return true, 0
			}
			return false, end
		case c == '?' || c == '!':
			end, st, _ := skipDecl(in, i)
			switch st {
			case scanErr:
				return false, 0
			case scanMore:
				return recordNamed || n-k >= limit, 0
			}
			i = end
		default:
			return false, 0
		}
	}
}

// afterParentEnd decides after the end tag of the candidate's parent, which
// ends at data[i]: see the comment at the top.
func afterParentEnd(data []byte, i int, recordNamed bool) bool {
	for {
		for i < len(data) && isSpace[data[i]] {
			i++
		}
		if i >= len(data) {
			return recordNamed
		}
		rest := data[i:]
		if hasLit(rest, "<?xml") == 1 || hasLit(rest, "<!DOCTYPE") == 1 {
			return true // a new document: the parent was its predecessor's root
		}
		end := -1
		if hasLit(rest, "<!--") == 1 {
			if k := bytes.Index(rest[4:], []byte("-->")); k >= 0 {
				end = 4 + k + 3
			}
		} else if hasLit(rest, "<?") == 1 {
			if k := bytes.Index(rest[2:], []byte("?>")); k >= 0 {
				end = 2 + k + 2
			}
		} else {
			return false // a start tag, an end tag or text: the parent was nested
		}
		if end < 0 {
			return recordNamed
		}
		i += end
	}
}

// endTag reads the end tag at in[i] ("</"): the index after it.
func endTag(in []byte, i int) (int, int) {
	j := i + 2
	for j < len(in) && isName[in[j]] {
		j++
	}
	if j == i+2 && j < len(in) {
		return 0, scanErr
	}
	for j < len(in) && isSpace[in[j]] {
		j++
	}
	if j >= len(in) {
		return 0, scanMore
	}
	if in[j] != '>' {
		return 0, scanErr
	}
	return j + 1, scanOK
}

// skipElement skips the element whose start tag is at in[i]: the index after
// its end tag, scanMore if it does not end in in, scanErr if it is not well
// formed (a mismatched end tag, a stray '<').
func (w *walker) skipElement(in []byte, i int) (int, int) {
	w.stack = w.stack[:0]
	n := len(in)
	for {
		if i+1 >= n {
			return 0, scanMore
		}
		switch c := in[i+1]; {
		case isNameStart[c]:
			j := i + 1
			for j < n && isName[in[j]] {
				j++
			}
			if j >= n {
				return 0, scanMore
			}
			if !isSpace[in[j]] && in[j] != '>' && in[j] != '/' {
				return 0, scanErr
			}
			end, self, st := findTagEnd(in, j)
			if st != scanOK {
				return 0, st
			}
			w.tags++
			if !self {
				w.stack = append(w.stack, in[i+1:j])
			}
			i = end
		case c == '/':
			end, st := endTag(in, i)
			if st != scanOK {
				return 0, st
			}
			name := bytes.TrimRight(in[i+2:end-1], " \t\r\n")
			if len(w.stack) == 0 || !bytes.Equal(name, w.stack[len(w.stack)-1]) {
				return 0, scanErr
			}
			w.stack = w.stack[:len(w.stack)-1]
			i = end
		case c == '?':
			k := bytes.Index(in[i+2:], []byte("?>"))
			if k < 0 {
				return 0, scanMore
			}
			i += 2 + k + 2
		case c == '!':
			end, st := skipCDATAOrComment(in, i)
			if st != scanOK {
				return 0, st
			}
			i = end
		default:
			return 0, scanErr
		}
		if len(w.stack) == 0 {
			return i, scanOK
		}
		k := bytes.IndexByte(in[i:], '<')
		if k < 0 {
			return 0, scanMore
		}
		i += k
	}
}

// skipCDATAOrComment skips <![CDATA[...]]> or <!--...--> at in[i] inside an
// element (anything else starting "<!" is an error there, as for the parser).
func skipCDATAOrComment(in []byte, i int) (int, int) {
	for _, d := range [...]struct{ open, close string }{{"<![CDATA[", "]]>"}, {"<!--", "-->"}} {
		switch hasLit(in[i:], d.open) {
		case 0:
			return 0, scanMore
		case 1:
			k := bytes.Index(in[i+len(d.open):], []byte(d.close))
			if k < 0 {
				return 0, scanMore
			}
			return i + len(d.open) + k + len(d.close), scanOK
		}
	}
	return 0, scanErr
}
