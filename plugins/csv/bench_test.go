package main

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/logmill/logmill/contract/go/logmill"
)

func genPlain(size int) []byte {
	var b bytes.Buffer
	b.WriteString("timestamp,level,message,host,request_id,duration_ms\n")
	for i := 0; b.Len() < size; i++ {
		msg := "request served from cache after retry number"
		if i%7 == 0 {
			msg = `"request served, ""quoted"" from cache"`
		}
		fmt.Fprintf(&b, "2026-11-23T05:%02d:%02d.%03dZ,%s,%s,web%d,req-%08x,%d\n",
			i/60%60, i%60, i%1000, []string{"INFO", "WARN", "ERROR"}[i%3], msg, i%16, i, i%5000)
	}
	return b.Bytes()
}

func genPostgres(size int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		query := ""
		if i%5 == 0 {
			query = fmt.Sprintf("\"SELECT *\nFROM t%d\nWHERE id = %d;\"", i%9, i)
		}
		fmt.Fprintf(&b, "2026-11-23 05:%02d:%02d.%03d UTC,\"postgres\",\"app\",%d,\"10.0.0.%d:5432\",6561a1b4.%x,%d,\"SELECT\",2026-11-23 05:50:00 UTC,3/%d,0,%s,00000,\"duplicate key value violates unique constraint \"\"t_pkey\"\"\",,,,,,%s,,,\"psql\",\"client backend\",,0\n",
			i/60%60, i%60, i%1000, 1000+i%50, i%200, i, i, i%100, []string{"LOG", "ERROR", "WARNING"}[i%3], query)
	}
	return b.Bytes()
}

// benchParse feeds data in 1 MiB chunks, as logmill does.
func benchParse(b *testing.B, data []byte) {
	out := make([]byte, 4<<20)
	batch := logmill.NewBatch(out)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := NewProcessor()
		pos, end := 0, 0
		for pos < len(data) {
			if end-pos < 1<<20 && end < len(data) {
				end = pos + 1<<20
				if end > len(data) {
					end = len(data)
				}
			}
			*batch = *logmill.NewBatch(out)
			c, err := p.Parse(data[pos:end], end == len(data), batch)
			if err != nil {
				b.Fatal(err)
			}
			pos += c
		}
	}
}

func BenchmarkParsePlain(b *testing.B)    { benchParse(b, genPlain(32<<20)) }
func BenchmarkParsePostgres(b *testing.B) { benchParse(b, genPostgres(32<<20)) }

// BenchmarkParseFile parses the file named by $CSV_BENCH_FILE (skipped if unset).
func BenchmarkParseFile(b *testing.B) {
	name := os.Getenv("CSV_BENCH_FILE")
	if name == "" {
		b.Skip("set CSV_BENCH_FILE")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	benchParse(b, data)
}
