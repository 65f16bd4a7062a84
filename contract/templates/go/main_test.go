package main

import (
	"os"
	"testing"

	"github.com/logmill/logmill/contract/go/logmill"
)

// Every line of sample.log is a record (one of them malformed), and at eof
// everything is consumed. `make test` also runs `logmill plugins check`.
func TestSample(t *testing.T) {
	sample, err := os.ReadFile("sample.log")
	if err != nil {
		t.Fatal(err)
	}
	b := logmill.NewBatch(make([]byte, 1<<20))
	n, err := newProcessor().Parse(sample, true, b)
	if err != nil || n != len(sample) {
		t.Fatalf("consumed %d of %d bytes, err %v", n, len(sample), err)
	}
	if b.Count() != 6 {
		t.Fatalf("%d records, want 6", b.Count())
	}
}
