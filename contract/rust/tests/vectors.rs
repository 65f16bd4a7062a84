//! The shared timestamp vectors (contract/testdata/timestamps.json), the
//! same cases the Go SDK (time_test.go), the C helper (logmill_time.h) and
//! the TypeScript host are tested against. A tiny JSON reader: std only.

use logmill::{parse_time_field, parse_time_ref, Zone};

#[derive(Default, Debug)]
struct Case {
    text: String,
    tz: String,
    reference: String,
    epoch: bool,
    expect: Option<String>,
}

/// Reads the flat objects of the "cases" array: string, bool and null values only.
fn cases(json: &str) -> Vec<Case> {
    let b = json.as_bytes();
    let start = json.find("\"cases\"").expect("no cases") + 7;
    let mut i = start + json[start..].find('[').unwrap() + 1;
    let mut out = Vec::new();
    let string = |i: &mut usize| -> String {
        let mut s = String::new();
        *i += 1;
        while b[*i] != b'"' {
            if b[*i] == b'\\' {
                *i += 1;
                s.push(match b[*i] { b'n' => '\n', b't' => '\t', c => c as char });
            } else {
                let ch = json[*i..].chars().next().unwrap();
                s.push(ch);
                *i += ch.len_utf8() - 1;
            }
            *i += 1;
        }
        *i += 1;
        s
    };
    loop {
        while b[i].is_ascii_whitespace() || b[i] == b',' {
            i += 1;
        }
        if b[i] == b']' {
            return out;
        }
        assert_eq!(b[i], b'{');
        i += 1;
        let mut c = Case::default();
        loop {
            while b[i].is_ascii_whitespace() || b[i] == b',' {
                i += 1;
            }
            if b[i] == b'}' {
                i += 1;
                break;
            }
            let key = string(&mut i);
            while b[i].is_ascii_whitespace() || b[i] == b':' {
                i += 1;
            }
            let value = if b[i] == b'"' {
                Some(string(&mut i))
            } else {
                let end = i + json[i..].find(|c: char| c == ',' || c == '}').unwrap();
                let word = json[i..end].trim().to_string();
                i = end;
                if word == "null" { None } else { Some(word) }
            };
            match key.as_str() {
                "text" => c.text = value.unwrap(),
                "tz" => c.tz = value.unwrap(),
                "ref" => c.reference = value.unwrap(),
                "epoch" => c.epoch = value.as_deref() == Some("true"),
                "expect" => c.expect = value,
                other => panic!("unknown key {}", other),
            }
        }
        out.push(c);
    }
}

/// 2026-11-23T05:54:40.208000Z
fn format_us(us: i64) -> String {
    let (secs, micros) = (us.div_euclid(1_000_000), us.rem_euclid(1_000_000));
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", y, m, d, sod / 3600, sod % 3600 / 60, sod % 60, micros)
}

/// The reference instant of a case ("2026-11-23T12:00:00Z"), by the parser under test.
fn reference(c: &Case) -> i64 {
    let text = if c.reference.is_empty() { "2026-11-23T12:00:00Z" } else { &c.reference };
    parse_time_ref(text.as_bytes(), &Zone::UTC, 0).expect("bad ref")
}

#[test]
fn timestamp_vectors() {
    let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/timestamps.json")).unwrap();
    let cases = cases(&json);
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let zone = match Zone::parse(&c.tz) {
            Ok(z) => z,
            Err(e) => {
                failures.push(format!("{:?}: tz {:?}: {}", c.text, c.tz, e));
                continue;
            }
        };
        let got = if c.epoch {
            parse_time_field(c.text.as_bytes(), &zone)
        } else {
            parse_time_ref(c.text.as_bytes(), &zone, reference(c) )
        };
        let got = got.map(format_us);
        if got != c.expect {
            failures.push(format!("{:?} (tz {:?}): got {:?}, want {:?}", c.text, c.tz, got, c.expect));
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn zone_options_like_the_go_sdk() {
    let jan1 = 1_767_225_600; // 2026-01-01T00:00:00Z
    for (tz, off) in [("UTC", 0), ("+02:00", 7200), ("-0530", -19800), ("+02", 7200), ("UTC+1", 3600), ("Asia/Tokyo", 9 * 3600)] {
        assert_eq!(Zone::parse(tz).unwrap().offset_at(jan1), off, "{}", tz);
    }
    for bad in ["Mars/Olympus", "+25:00", "../etc/passwd"] {
        assert!(Zone::parse(bad).is_err(), "{}", bad);
    }
}
