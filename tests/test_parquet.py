"""Parquet tables are checked as the CSV text their values would be: the text of each Arrow type."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from usjst_data.validation.sources import parquet_table

ROWS = 8
FLOATS = [
    0.0, -0.0, 1.0, 100.0, 0.5, 0.1, 123.456, -1.5, 1e-4, 1.5e-4, 9.99e-5, 1e-5, 1.5e-6, 1e-6, 1e-7, 1.5e-7, 1e-9,
    2.5e-10, 5e-324, 1e9, 1234567890.5, 1e10, 1.5e10, 12345678901.25, 1e15, 1234567890123456.8, -1e15, 1e16,
    1.5e17, 1e22, 1.7976931348623157e308, float("nan"), float("inf"), float("-inf"), None,
]  # fmt: skip


# Written by the implementation that went through Python values (but for the cell holding a carriage
# return, which it left unquoted, so that the parser read a line end there).
TYPES_CSV = (
    "null,bool,int8,int16,int32,int64,uint8,uint32,uint64,float16,float32,decimal,decimal_small,decim"
    "al_scale_7,decimal_wide,string,string_more,large_string,binary,large_binary,fixed_binary,date32,"
    "date64,timestamp_s,timestamp_ms,timestamp_us,timestamp_ns,timestamp_ns_digits,timestamp_utc,time"
    "stamp_tokyo,timestamp_new_york,timestamp_offset,time32_s,time32_ms,time64_us,time64_ns,duration,"
    "list,large_list,fixed_list,struct,nested_dates,map,dictionary\n"
    ",true,-128,-32768,-2147483648,-9223372036854775808,0,0,0,0.0999755859375,0.10000000149011612,1.5"
    "0,1E-10,0.0000010,123456789012345678901234567890.12345,plain, lead,x,AP8=,eHl6,YWI=,2020-02-29,2"
    "020-02-29,2020-01-02T03:04:05,2020-01-02T03:04:05,2020-01-02T03:04:05,1970-01-01T00:00:00,1970-0"
    "1-01T00:00:00.000000001,2020-01-02T03:04:05+00:00,2020-01-02T12:04:05+09:00,2020-01-01T22:04:05-"
    '05:00,2020-01-02T08:34:05+05:30,00:00:00,01:02:03.004000,01:02:03.000004,00:00:00,"1 day, 0:00:0'
    '5","[1, 2]","[""a"", ""b,c""]","[1.5, 2.0]","{""a"": 1, ""b"": ""x""}","[""2020-01-01""]","[[""k'
    '"", 1], [""l"", 2]]",low\n'
    ",false,127,32767,2147483647,9223372036854775807,255,4294967295,18446744073709551615,1.5,1.000000"
    "0200408773e+20,-0.05,5.000E-7,0E-7,-1.00000,,日本語,,,,AQI=,0001-01-01,1950-06-01,1969-12-31T23:59:"
    "59,1969-12-31T23:59:59.500000,1969-12-31T23:59:59.500000,2020-09-13T12:26:40.123456,2020-09-13T1"
    "2:26:40.123456789,1969-12-31T23:59:59.500000+00:00,1970-01-01T08:59:59.500000+09:00,1969-12-31T1"
    '8:59:59-05:00,1970-01-01T05:29:59.500000+05:30,23:59:59,12:00:00,23:59:59.999999,01:02:03,"-1 da'
    'y, 23:59:59.999999",[],,,"{""a"": null, ""b"": ""日本""}",,[],high\n'
    ',,0,,,0,,,,-0.0,3.3999999521443642e+38,0.00,0E-10,-0.0000015,,,#hash,"y,z",,eHl6,,9999-12-31,,20'
    "21-07-01T12:00:00,2021-07-01T12:00:00.123000,2021-07-01T12:00:00.123000,1969-12-31T23:59:58.5000"
    "00,1969-12-31T23:59:59.999999999,2021-07-01T12:00:00.123000+00:00,2021-07-01T21:00:00.123000+09:"
    '00,2021-07-01T08:00:00-04:00,2021-07-01T17:30:00.123000+05:30,,,,23:59:59.999999,,,"[""a"", ""b,'
    'c""]","[1.5, 2.0]",,"[""2020-01-01""]",,\n'
    ",true,,-32768,-2147483648,,0,0,0,65504.0,1.401298464324817e-45,12345678.90,1.5000000000,,1234567"
    '89012345678901234567890.12345,"a,b",tab\there,,YWJj,,YWI=,1969-12-31,2020-02-29,0001-01-01T00:00:'
    "00,0001-01-01T00:00:00,0001-01-01T00:00:00,,,0001-01-01T00:00:00+00:00,0001-01-01T09:18:59+09:18"
    ":59,2040-07-01T08:00:00-04:00,0001-01-01T05:30:00+05:30,00:00:00,01:02:03.004000,01:02:03.000004"
    ',,"1 day, 0:00:05","[null, 3]",,,"{""a"": 1, ""b"": ""x""}",,"[[""k"", 1], [""l"", 2]]",low\n'
    ",false,-128,32767,2147483647,-9223372036854775808,255,4294967295,18446744073709551615,INF,-2.5,,"
    '0.0000010000,0.0000010,-1.00000,"q""q","""",x,AP8=,eHl6,AQI=,,1950-06-01,2040-07-01T12:00:00,204'
    "0-07-01T12:00:00,2040-07-01T12:00:00,1970-01-01T00:00:00,1970-01-01T00:00:00.000000001,2040-07-0"
    "1T12:00:00+00:00,2040-07-01T21:00:00+09:00,1849-12-31T19:03:58-04:56:02,2040-07-01T17:30:00+05:3"
    '0,23:59:59,12:00:00,23:59:59.999999,00:00:00,"-1 day, 23:59:59.999999","[1, 2]","[""a"", ""b,c""'
    ']","[1.5, 2.0]","{""a"": null, ""b"": ""日本""}","[""2020-01-01""]",[],low\n'
    ',,127,,,9223372036854775807,,,,NaN,16777216.0,1.50,-2.00E-8,0E-7,,"line\n'
    'break",",",,,,,2020-02-29,,1850-01-01T00:00:00,1850-01-01T00:00:00,1850-01-01T00:00:00,2020-09-1'
    "3T12:26:40.123456,2020-09-13T12:26:40.123456789,1850-01-01T00:00:00+00:00,1850-01-01T09:18:59+09"
    ":18:59,,1850-01-01T05:30:00+05:30,,,,01:02:03,,[],,,,,,high\n"
    ",true,0,-32768,-2147483648,0,0,0,0,5.960464477539063e-08,NaN,-0.05,,-0.0000015,12345678901234567"
    '8901234567890.12345,"crlf\r\n'
    'x",,"y,z",,eHl6,YWI=,0001-01-01,2020-02-29,,,,1969-12-31T23:59:58.500000,1969-12-31T23:59:59.999'
    '999999,,,2020-01-01T22:04:05-05:00,,00:00:00,01:02:03.004000,01:02:03.000004,23:59:59.999999,"1 '
    'day, 0:00:05",,"[""a"", ""b,c""]","[1.5, 2.0]","{""a"": 1, ""b"": ""x""}","[""2020-01-01""]","[['
    '""k"", 1], [""l"", 2]]",\n'
    ',false,,32767,2147483647,,255,4294967295,18446744073709551615,,,0.00,1E-10,,-1.00000,"cr\ronly",,'
    ",YWJj,,AQI=,9999-12-31,1950-06-01,2020-01-02T03:04:05,2020-01-02T03:04:05,2020-01-01T00:00:00.00"
    "0001,,,2020-01-02T03:04:05+00:00,2020-01-02T12:04:05+09:00,1969-12-31T18:59:59-05:00,2020-01-02T"
    '08:34:05+05:30,23:59:59,12:00:00,23:59:59.999999,,"-1 day, 23:59:59.999999","[null, 3]",,,"{""a"'
    '": null, ""b"": ""日本""}",,[],low\n'
)

FLOATS_CSV = (
    "float64\n"
    "0.0\n"
    "-0.0\n"
    "1.0\n"
    "100.0\n"
    "0.5\n"
    "0.1\n"
    "123.456\n"
    "-1.5\n"
    "0.0001\n"
    "0.00015\n"
    "9.99e-05\n"
    "1e-05\n"
    "1.5e-06\n"
    "1e-06\n"
    "1e-07\n"
    "1.5e-07\n"
    "1e-09\n"
    "2.5e-10\n"
    "5e-324\n"
    "1000000000.0\n"
    "1234567890.5\n"
    "10000000000.0\n"
    "15000000000.0\n"
    "12345678901.25\n"
    "1000000000000000.0\n"
    "1234567890123456.8\n"
    "-1000000000000000.0\n"
    "1e+16\n"
    "1.5e+17\n"
    "1e+22\n"
    "1.7976931348623157e+308\n"
    "NaN\n"
    "INF\n"
    "-INF\n"
    '""\n'
)


def column(values: list[object], kind: pa.DataType) -> pa.Array:
    """``values`` repeated to fill ROWS rows."""
    return pa.array((values * ROWS)[:ROWS], kind)


def types_table() -> pa.Table:
    """A column of each Arrow type a Parquet file is read as, with nulls."""
    moments = [
        datetime.datetime(2020, 1, 2, 3, 4, 5),
        datetime.datetime(1969, 12, 31, 23, 59, 59, 500000),
        datetime.datetime(2021, 7, 1, 12, 0, 0, 123000),
        datetime.datetime(1, 1, 1),
        datetime.datetime(2040, 7, 1, 12),
        datetime.datetime(1850, 1, 1),
        None,
    ]
    columns = {
        "null": pa.nulls(ROWS),
        "bool": column([True, False, None], pa.bool_()),
        "int8": column([-128, 127, 0, None], pa.int8()),
        "int16": column([-32768, 32767, None], pa.int16()),
        "int32": column([-(2**31), 2**31 - 1, None], pa.int32()),
        "int64": column([-(2**63), 2**63 - 1, 0, None], pa.int64()),
        "uint8": column([0, 255, None], pa.uint8()),
        "uint32": column([0, 2**32 - 1, None], pa.uint32()),
        "uint64": column([0, 2**64 - 1, None], pa.uint64()),
        "float16": column([0.1, 1.5, -0.0, 65504.0, float("inf"), float("nan"), 6e-8, None], pa.float16()),
        "float32": column([0.1, 1e20, 3.4e38, 1e-45, -2.5, 16777216.0, float("nan"), None], pa.float32()),
        "decimal": column([Decimal("1.50"), Decimal("-0.05"), Decimal("0.00"), Decimal("12345678.90"), None],
                          pa.decimal128(10, 2)),
        "decimal_small": column([Decimal("1E-10"), Decimal("5E-7"), Decimal("0"), Decimal("1.5"), Decimal("0.000001"),
                                 Decimal("-2E-8"), None], pa.decimal128(20, 10)),
        "decimal_scale_7": column([Decimal("0.000001"), Decimal("0"), Decimal("-0.0000015"), None],
                                  pa.decimal128(12, 7)),
        "decimal_wide": column([Decimal("123456789012345678901234567890.12345"), Decimal("-1"), None],
                               pa.decimal256(40, 5)),
        "string": pa.array(["plain", "", None, "a,b", 'q"q', "line\nbreak", "crlf\r\nx", "cr\ronly"]),
        "string_more": column([" lead", "日本語", "#hash", "tab\there", '"', ",", "", None], pa.string()),
        "large_string": column(["x", None, "y,z", ""], pa.large_string()),
        "binary": column([b"\x00\xff", b"", None, b"abc"], pa.binary()),
        "large_binary": column([b"xyz", None], pa.large_binary()),
        "fixed_binary": column([b"ab", b"\x01\x02", None], pa.binary(2)),
        "date32": column([datetime.date(2020, 2, 29), datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
                          datetime.date(1969, 12, 31), None], pa.date32()),
        "date64": column([datetime.date(2020, 2, 29), datetime.date(1950, 6, 1), None], pa.date64()),
        "timestamp_s": column(moments, pa.timestamp("s")),
        "timestamp_ms": column(moments, pa.timestamp("ms")),
        "timestamp_us": column([*moments, datetime.datetime(2020, 1, 1, 0, 0, 0, 1)], pa.timestamp("us")),
        "timestamp_ns": column([0, 1_600_000_000_123_456_000, -1_500_000_000, None], pa.timestamp("ns")),
        "timestamp_ns_digits": column([1, 1_600_000_000_123_456_789, -1, None], pa.timestamp("ns")),
        "timestamp_utc": column(moments, pa.timestamp("us", tz="UTC")),
        "timestamp_tokyo": column(moments, pa.timestamp("ms", tz="Asia/Tokyo")),
        "timestamp_new_york": column(moments[:3] + moments[4:], pa.timestamp("s", tz="America/New_York")),
        "timestamp_offset": column(moments, pa.timestamp("us", tz="+05:30")),
        "time32_s": column([datetime.time(0, 0), datetime.time(23, 59, 59), None], pa.time32("s")),
        "time32_ms": column([datetime.time(1, 2, 3, 4000), datetime.time(12, 0), None], pa.time32("ms")),
        "time64_us": column([datetime.time(1, 2, 3, 4), datetime.time(23, 59, 59, 999999), None], pa.time64("us")),
        "time64_ns": column([1, 3_723_000_000_001, 86_399_999_999_999, None], pa.time64("ns")),
        "duration": column([datetime.timedelta(days=1, seconds=5), datetime.timedelta(microseconds=-1), None],
                           pa.duration("us")),
        "list": column([[1, 2], [], None, [None, 3]], pa.list_(pa.int64())),
        "large_list": column([["a", "b,c"], None], pa.large_list(pa.string())),
        "fixed_list": column([[1.5, 2.0], None], pa.list_(pa.float64(), 2)),
        "struct": column([{"a": 1, "b": "x"}, {"a": None, "b": "日本"}, None],
                         pa.struct([("a", pa.int32()), ("b", pa.string())])),
        "nested_dates": column([[datetime.date(2020, 1, 1)], None], pa.list_(pa.date32())),
        "map": column([[("k", 1), ("l", 2)], [], None], pa.map_(pa.string(), pa.int64())),
        "dictionary": pa.array((["low", "high", None, "low"] * ROWS)[:ROWS]).dictionary_encode(),
    }  # fmt: skip
    return pa.table(columns)


def as_csv(table: pa.Table, tmp_path: Path) -> str:
    pq.write_table(table, tmp_path / "table.parquet")
    assert parquet_table(tmp_path / "table.parquet", {}, tmp_path / "table.csv") == []
    return (tmp_path / "table.csv").read_bytes().decode("utf-8")


def test_every_type_is_written_as_python_wrote_its_values(tmp_path: Path) -> None:
    assert as_csv(types_table(), tmp_path) == TYPES_CSV


def test_floats_are_written_as_repr_with_the_spec_spellings(tmp_path: Path) -> None:
    assert as_csv(pa.table({"float64": pa.array(FLOATS, pa.float64())}), tmp_path) == FLOATS_CSV


def test_a_table_of_one_column_keeps_its_empty_rows(tmp_path: Path) -> None:
    assert as_csv(pa.table({"only": pa.array(["", None, "x"])}), tmp_path) == 'only\n""\n""\nx\n'


def test_rows_of_many_batches_are_all_written(tmp_path: Path) -> None:
    big = pa.table({"n": pa.array(range(200_000)), "s": pa.array(["a,b"] * 200_000)})
    lines = as_csv(big, tmp_path).splitlines()
    assert len(lines) == 200_001
    assert lines[-1] == '199999,"a,b"'
