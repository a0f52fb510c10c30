//! Any bytes as an Open311 query string or form body: parsing never panics, whatever it
//! returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use miasto_domain::open311::{NewRequest, Params, RequestQuery, parse_datetime};

fuzz_target!(|data: &[u8]| {
    let params = Params::parse(data);
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let _ = RequestQuery::parse(&params, now);
    let _ = NewRequest::parse(&params);
    let _ = params.answers();
    let _ = parse_datetime(&String::from_utf8_lossy(data));
});
