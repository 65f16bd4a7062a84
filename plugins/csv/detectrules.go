package main

// DetectRules states, as data (ProcessorDetectRules), what a head needs
// before Detect can score it 50 or more, so logmill routes every other head
// without starting this plugin's worker. One rule per way Detect claims a
// file, each a little looser than Detect itself:
//
//   - the first record starts with a quoted field (a headerless RFC 4180 table);
//   - the first line is a header: a delimiter (, ; TAB |) and none of the
//     characters a column name cannot hold ([ ] { } < > = :), so a log line
//     with a time (`20:43:13,459`, Python logging, log4j) does not match;
//   - the first line is a PostgreSQL csvlog row: a timestamp, then its
//     error_severity column among the commas.
//
// An optional UTF-8 byte-order mark and blank lines may come first, as
// Detect allows. The rules see the head as Latin-1 (one character per byte).
func (p *csvProcessor) DetectRules() []string {
	const start = `^(?:\xEF\xBB\xBF)?[\r\n]*`
	return []string{
		`pattern=` + start + `"`,
		`pattern=` + start + `[^\n\[\]{}<>=:]*[,;\t|][^\n\[\]{}<>=:]*\n`,
		`pattern=` + start + `\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[^\n]*,(?:LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5]?),`,
	}
}
