package logmill

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Layout constants of contract/BATCH.md.
const (
	BatchMagic         = 0x31424D4C // "LMB1"
	BatchHeaderSize    = 16
	RecordHeaderSize   = 32
	FlagHasTime        = 0x01
	FlagMalformed      = 0x02
	maxFieldsPerRecord = 0xFFFF
)

// Batch is the record batch ProcessorParse writes into logmill's `out`
// buffer. The SDK hands one to Processor.Parse; tests can make their own with
// NewBatch.
type Batch struct {
	buf   []byte
	pos   int // next free byte
	count int // complete records
	need  int // size of the last record that did not fit, 0 if none
}

// NewBatch returns a batch that writes into out (for tests and tools; the
// SDK's ProcessorParse makes its own around logmill's buffer).
func NewBatch(out []byte) *Batch {
	b := &Batch{}
	b.reset(out)
	return b
}

func (b *Batch) reset(out []byte) {
	b.buf = out
	b.pos = BatchHeaderSize
	b.count = 0
	b.need = 0
}

// Count is the number of records added so far.
func (b *Batch) Count() int { return b.count }

// Need is the size of the last record Add rejected for lack of space
// (record header and strings, without the batch header), or 0.
func (b *Batch) Need() int { return b.need }

// Add appends one record. It returns false when the record does not fit in
// the buffer; the plugin then stops and returns the bytes consumed before this
// record. If not a single record fit and nothing was consumed, the SDK
// returns LOGMILL_PARSE_NEED_SPACE with the needed size, and logmill calls
// again with a larger buffer. Add copies everything: the caller may reuse r,
// its Fields and byte slices right after. It does not allocate.
//
// A record with more fields than a batch record can hold (65,535) is not
// cut short: Add writes a malformed record in its place, at its line and
// offset, whose message says how many fields it had, so logmill reports it
// with file:line as malformed input.
func (b *Batch) Add(r *Record) bool {
	if len(r.Fields) > maxFieldsPerRecord {
		return b.Add(tooManyFields(r))
	}
	nf := len(r.Fields)
	size := RecordHeaderSize + 8 + len(r.SeverityText) + len(r.Message)
	for i := 0; i < nf; i++ {
		size += 8 + len(r.Fields[i].Key) + len(r.Fields[i].Value)
	}
	if b.pos+size > len(b.buf) || int64(b.pos)+int64(size) > 0xFFFFFFFF {
		b.need = size
		return false
	}
	p := b.buf[b.pos : b.pos+size]
	var flags byte
	if r.HasTime {
		flags |= FlagHasTime
	}
	if r.Malformed {
		flags |= FlagMalformed
	}
	binary.LittleEndian.PutUint32(p[0:], uint32(size))
	p[4] = byte(r.Severity)
	p[5] = flags
	binary.LittleEndian.PutUint16(p[6:], uint16(nf))
	t := r.Time
	if !r.HasTime {
		t = 0
	}
	binary.LittleEndian.PutUint64(p[8:], uint64(t))
	binary.LittleEndian.PutUint64(p[16:], r.Line)
	binary.LittleEndian.PutUint64(p[24:], uint64(r.Offset))
	o := RecordHeaderSize
	o = putBytes(p, o, r.SeverityText)
	o = putBytes(p, o, r.Message)
	for i := 0; i < nf; i++ {
		f := &r.Fields[i]
		binary.LittleEndian.PutUint32(p[o:], uint32(len(f.Key)))
		o += 4 + copy(p[o+4:], f.Key)
		o = putBytes(p, o, f.Value)
	}
	b.pos += size
	b.count++
	return true
}

// tooManyFields is the malformed record Add writes instead of r, which has
// more than maxFieldsPerRecord fields.
func tooManyFields(r *Record) *Record {
	why := fmt.Sprintf("record has %d fields, more than the %d a record batch can hold", len(r.Fields), maxFieldsPerRecord)
	return &Record{Malformed: true, Message: []byte(why), Line: r.Line, Offset: r.Offset}
}

func putBytes(p []byte, o int, s []byte) int {
	binary.LittleEndian.PutUint32(p[o:], uint32(len(s)))
	return o + 4 + copy(p[o+4:], s)
}

// finish writes the batch header and returns the batch length.
func (b *Batch) finish() int {
	if len(b.buf) < BatchHeaderSize {
		return 0
	}
	binary.LittleEndian.PutUint32(b.buf[0:], BatchMagic)
	binary.LittleEndian.PutUint32(b.buf[4:], uint32(b.count))
	binary.LittleEndian.PutUint32(b.buf[8:], uint32(b.pos))
	binary.LittleEndian.PutUint32(b.buf[12:], 0)
	return b.pos
}

// needSpace writes the header of an empty batch whose byte_length is the
// capacity needed for the rejected record.
func (b *Batch) needSpace() {
	if len(b.buf) < BatchHeaderSize {
		return
	}
	binary.LittleEndian.PutUint32(b.buf[0:], BatchMagic)
	binary.LittleEndian.PutUint32(b.buf[4:], 0)
	binary.LittleEndian.PutUint32(b.buf[8:], uint32(BatchHeaderSize+b.need))
	binary.LittleEndian.PutUint32(b.buf[12:], 0)
}

// Bytes writes the batch header and returns the encoded batch (header
// included), as ProcessorParse leaves it in `out`.
func (b *Batch) Bytes() []byte {
	n := b.finish()
	return b.buf[:n]
}

// DecodeBatch decodes an encoded batch (for tests and tools). The records'
// byte slices point into buf.
func DecodeBatch(buf []byte) ([]Record, error) {
	if len(buf) < BatchHeaderSize {
		return nil, errors.New("batch shorter than its header")
	}
	le := binary.LittleEndian
	if le.Uint32(buf) != BatchMagic {
		return nil, fmt.Errorf("bad magic %#x", le.Uint32(buf))
	}
	count := int(le.Uint32(buf[4:]))
	total := int(le.Uint32(buf[8:]))
	if total > len(buf) || total < BatchHeaderSize {
		return nil, fmt.Errorf("byte_length %d out of range (buffer %d)", total, len(buf))
	}
	recs := make([]Record, 0, count)
	pos := BatchHeaderSize
	for i := 0; i < count; i++ {
		if pos+RecordHeaderSize > total {
			return nil, fmt.Errorf("record %d: truncated header", i)
		}
		rl := int(le.Uint32(buf[pos:]))
		if rl < RecordHeaderSize || pos+rl > total {
			return nil, fmt.Errorf("record %d: bad record_length %d", i, rl)
		}
		p := buf[pos : pos+rl]
		r := Record{
			Severity:  Severity(p[4]),
			HasTime:   p[5]&FlagHasTime != 0,
			Malformed: p[5]&FlagMalformed != 0,
			Time:      int64(le.Uint64(p[8:])),
			Line:      le.Uint64(p[16:]),
			Offset:    int(le.Uint64(p[24:])),
		}
		nf := int(le.Uint16(p[6:]))
		o := RecordHeaderSize
		str := func() ([]byte, error) {
			if o+4 > rl {
				return nil, fmt.Errorf("record %d: truncated string", i)
			}
			n := int(le.Uint32(p[o:]))
			if o+4+n > rl {
				return nil, fmt.Errorf("record %d: string overruns record", i)
			}
			s := p[o+4 : o+4+n]
			o += 4 + n
			return s, nil
		}
		var err error
		if r.SeverityText, err = str(); err != nil {
			return nil, err
		}
		if r.Message, err = str(); err != nil {
			return nil, err
		}
		for j := 0; j < nf; j++ {
			k, err := str()
			if err != nil {
				return nil, err
			}
			v, err := str()
			if err != nil {
				return nil, err
			}
			r.Fields = append(r.Fields, Field{Key: string(k), Value: v})
		}
		if o != rl {
			return nil, fmt.Errorf("record %d: %d trailing bytes", i, rl-o)
		}
		recs = append(recs, r)
		pos += rl
	}
	if pos != total {
		return nil, fmt.Errorf("%d bytes after the last record", total-pos)
	}
	return recs, nil
}
