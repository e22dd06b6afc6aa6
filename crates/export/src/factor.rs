//! A user's factor read from Apache Parquet, as pandas, Polars, DuckDB or
//! Spark write it: `date`, `ticker` and `value` columns found by name (any
//! others are ignored), read batch by batch into the one row check of
//! [`FactorValues::add`], so a Parquet file and a CSV file with the same rows
//! are the same factor. This crate reads it because it is where the workspace
//! speaks Parquet; what a factor row means stays in `alphadesk-validate`.
//!
//! Accepted column types, so the common writers need no conversion: `date` as
//! `date32`, `date64`, a timestamp of any unit (pandas' `datetime64[ns]`; the
//! UTC calendar day is used) or an ISO `YYYY-MM-DD` string; `ticker` as a
//! string (plain, large or dictionary-encoded); `value` as a float or integer.

use std::fs::File;
use std::path::Path;

use alphadesk_validate::{FactorError, FactorValues};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Reads a factor from the Parquet file at `path`.
pub fn read_parquet(path: &Path) -> Result<FactorValues, FactorError> {
    let file = path.display().to_string();
    let whole = |why: String| FactorError::At { file: file.clone(), at: "the file".into(), why };
    let handle = File::open(path).map_err(|source| FactorError::Io { file: file.clone(), source })?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(handle).map_err(|e| whole(format!("not a Parquet file: {e}")))?;
    let schema = builder.schema().clone();
    let column = |name: &str| {
        schema.fields().iter().position(|f| f.name().eq_ignore_ascii_case(name)).ok_or_else(|| {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            whole(format!("no {name:?} column (it has {names:?}); expected date, ticker and value"))
        })
    };
    let (di, ti, vi) = (column("date")?, column("ticker")?, column("value")?);
    for (i, name) in [(di, "date"), (ti, "ticker"), (vi, "value")] {
        let t = schema.field(i).data_type();
        let ok = match name {
            "date" => date_at(t).is_some(),
            "ticker" => is_text(t),
            _ => number_at(t).is_some(),
        };
        if !ok {
            return Err(whole(format!("column {name:?} is {t}, which is not read as a {name}")));
        }
    }
    let reader = builder.build().map_err(|e| whole(e.to_string()))?;
    let mut f = FactorValues::new(&file);
    let mut row = 0usize;
    for batch in reader {
        let batch = batch.map_err(|e| whole(format!("after row {row}: {e}")))?;
        // A dictionary-encoded column (pandas' categoricals) is unpacked once
        // per batch, so each row is read directly.
        let plain = |i: usize| plain(batch.column(i)).map_err(|e| whole(format!("after row {row}: {e}")));
        let (dates, tickers, values) = (&plain(di)?, &plain(ti)?, batch.column(vi));
        let date_of = date_at(dates.data_type()).expect("checked above");
        let value_of = number_at(values.data_type()).expect("checked above");
        for k in 0..batch.num_rows() {
            row += 1;
            let at = format!("row {row}");
            let bad = |why: String| FactorError::At { file: file.clone(), at: at.clone(), why };
            let date = date_of(dates, k).ok_or_else(|| match text(dates, k) {
                Some(t) => bad(format!("date {t:?} is not YYYY-MM-DD")),
                None => bad("no date, or one out of range".into()),
            })?;
            let ticker = text(tickers, k).ok_or_else(|| bad("no ticker".into()))?;
            f.add(&at, date, &ticker, value_of(values, k))?;
        }
    }
    f.finish()
}

/// `a` with a dictionary's keys looked up in its values; any other array as it is.
fn plain(a: &ArrayRef) -> Result<ArrayRef, arrow_schema::ArrowError> {
    match a.as_any_dictionary_opt() {
        Some(d) => arrow_select::take::take(d.values().as_ref(), d.keys(), None),
        None => Ok(a.clone()),
    }
}

type DateAt = fn(&ArrayRef, usize) -> Option<NaiveDate>;
type NumberAt = fn(&ArrayRef, usize) -> Option<f64>;

/// How to read a date from a column of type `t`, if it can hold one.
fn date_at(t: &DataType) -> Option<DateAt> {
    Some(match t {
        DataType::Date32 => |a, k| instant_at::<Date32Type>(a, k, 1),
        DataType::Date64 => |a, k| instant_at::<Date64Type>(a, k, 86_400_000),
        DataType::Timestamp(TimeUnit::Second, _) => |a, k| instant_at::<TimestampSecondType>(a, k, 86_400),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            |a, k| instant_at::<TimestampMillisecondType>(a, k, 86_400_000)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            |a, k| instant_at::<TimestampMicrosecondType>(a, k, 86_400_000_000)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            |a, k| instant_at::<TimestampNanosecondType>(a, k, 86_400_000_000_000)
        }
        t if is_text(t) => |a, k| text(a, k).as_deref().and_then(alphadesk_model::parse_date),
        _ => return None,
    })
}

/// The UTC calendar day of row `k` of a column counting `per_day` units a day
/// since 1970-01-01 (days for date32; milliseconds for date64; a timestamp's unit).
fn instant_at<T>(a: &ArrayRef, k: usize, per_day: i64) -> Option<NaiveDate>
where
    T: ArrowPrimitiveType,
    T::Native: Into<i64>,
{
    if !a.is_valid(k) {
        return None;
    }
    let n: i64 = a.as_primitive::<T>().value(k).into();
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::try_days(n.div_euclid(per_day))?)
}

/// How to read a number from a column of type `t`, if it holds numbers.
fn number_at(t: &DataType) -> Option<NumberAt> {
    Some(match t {
        DataType::Float64 => |a, k| a.is_valid(k).then(|| a.as_primitive::<Float64Type>().value(k)),
        DataType::Float32 => |a, k| a.is_valid(k).then(|| a.as_primitive::<Float32Type>().value(k).into()),
        DataType::Int64 => |a, k| a.is_valid(k).then(|| a.as_primitive::<Int64Type>().value(k) as f64),
        DataType::Int32 => |a, k| a.is_valid(k).then(|| a.as_primitive::<Int32Type>().value(k).into()),
        _ => return None,
    })
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => matches!(**v, DataType::Utf8 | DataType::LargeUtf8),
        _ => false,
    }
}

/// The string at `k` of a text column (plain, large or view; a dictionary is
/// unpacked first, see [`plain`]).
fn text(a: &ArrayRef, k: usize) -> Option<String> {
    if !a.is_valid(k) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(k).to_string(),
        DataType::LargeUtf8 => a.as_string::<i64>().value(k).to_string(),
        DataType::Utf8View => a.as_string_view().value(k).to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Date32Array, Float64Array, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::ArrowWriter;

    use super::*;

    fn write(dir: &Path, name: &str, columns: Vec<(&str, ArrayRef)>) -> std::path::PathBuf {
        let schema = Arc::new(Schema::new(
            columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(schema.clone(), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
        let path = dir.join(name);
        let mut w = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        path
    }

    #[test]
    fn a_parquet_factor_is_the_csv_factor_with_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        // 2017-03-31 is day 17,256 since 1970-01-01.
        let p = write(
            dir.path(),
            "f.parquet",
            vec![
                ("Ticker", Arc::new(StringArray::from(vec!["AAPL", "msft", "XOM"])) as ArrayRef),
                ("date", Arc::new(Date32Array::from(vec![17_256, 17_256, 17_256]))),
                ("value", Arc::new(Float64Array::from(vec![Some(1.5), Some(-2.0), None]))),
                ("extra", Arc::new(Int64Array::from(vec![1, 2, 3]))),
            ],
        );
        let parquet = read_parquet(&p).unwrap();
        let csv = FactorValues::parse(
            "f.csv",
            "date,ticker,value\n2017-03-31,AAPL,1.5\n2017-03-31,msft,-2\n2017-03-31,XOM,\n",
        )
        .unwrap();
        assert_eq!(parquet.values, csv.values);

        // pandas' categoricals: a dictionary-encoded ticker column.
        let dict: arrow_array::DictionaryArray<arrow_array::types::Int32Type> =
            vec!["AAPL", "msft", "AAPL"].into_iter().collect();
        let p = write(
            dir.path(),
            "categorical.parquet",
            vec![
                ("date", Arc::new(Date32Array::from(vec![17_256, 17_256, 17_257])) as ArrayRef),
                ("ticker", Arc::new(dict)),
                ("value", Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0]))),
            ],
        );
        let f = read_parquet(&p).unwrap();
        assert_eq!(f.values.len(), 3);
        assert_eq!(f.values[&("2017-03-31".parse().unwrap(), "MSFT".to_string())], 2.0);
        assert_eq!(f.values[&("2017-04-01".parse().unwrap(), "AAPL".to_string())], 3.0);

        // pandas' datetime64[ns] and integer values.
        let ns = 17_256i64 * 86_400 * 1_000_000_000;
        let p = write(
            dir.path(),
            "pandas.parquet",
            vec![
                ("date", Arc::new(TimestampNanosecondArray::from(vec![ns, ns])) as ArrayRef),
                ("ticker", Arc::new(StringArray::from(vec!["AAPL", "MSFT"]))),
                ("value", Arc::new(Int64Array::from(vec![3, 4]))),
            ],
        );
        let f = read_parquet(&p).unwrap();
        assert_eq!(f.values[&("2017-03-31".parse().unwrap(), "MSFT".to_string())], 4.0);
    }

    #[test]
    fn a_bad_parquet_factor_is_named_by_file_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let err = |columns: Vec<(&str, ArrayRef)>| {
            read_parquet(&write(dir.path(), "bad.parquet", columns)).unwrap_err().to_string()
        };
        let e = err(vec![
            ("date", Arc::new(Date32Array::from(vec![17_256, 17_256])) as ArrayRef),
            ("ticker", Arc::new(StringArray::from(vec!["AAPL", "AAPL"]))),
            ("value", Arc::new(Float64Array::from(vec![1.0, 2.0]))),
        ]);
        assert!(e.ends_with("bad.parquet, row 2: AAPL on 2017-03-31 appears twice"), "{e}");
        let e = err(vec![
            ("date", Arc::new(Date32Array::from(vec![17_256])) as ArrayRef),
            ("ticker", Arc::new(StringArray::from(vec!["AAPL"]))),
            ("value", Arc::new(StringArray::from(vec!["high"]))),
        ]);
        assert!(e.contains("column \"value\" is Utf8, which is not read as a value"), "{e}");
        let e = err(vec![
            ("date", Arc::new(StringArray::from(vec!["31/03/2017"])) as ArrayRef),
            ("ticker", Arc::new(StringArray::from(vec!["AAPL"]))),
            ("value", Arc::new(Float64Array::from(vec![1.0]))),
        ]);
        assert!(e.ends_with("row 1: date \"31/03/2017\" is not YYYY-MM-DD"), "{e}");
        let e = err(vec![("date", Arc::new(Date32Array::from(vec![17_256])) as ArrayRef)]);
        assert!(e.contains("no \"ticker\" column (it has [\"date\"])"), "{e}");
        let e = err(vec![
            ("date", Arc::new(Date32Array::from(vec![17_256])) as ArrayRef),
            ("ticker", Arc::new(StringArray::from(vec!["AAPL"]))),
            ("value", Arc::new(Float64Array::from(vec![f64::NAN]))),
        ]);
        assert!(e.contains("row 1: value NaN is not a finite number"), "{e}");
        let text = dir.path().join("not.parquet");
        std::fs::write(&text, "date,ticker,value\n").unwrap();
        assert!(read_parquet(&text).unwrap_err().to_string().contains("not.parquet, the file: not a Parquet file"));
    }
}
