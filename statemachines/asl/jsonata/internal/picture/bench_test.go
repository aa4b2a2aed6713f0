package picture

import "testing"

func BenchmarkFormatNumber(b *testing.B) {
	f := DefaultDecimalFormat()
	for _, bc := range []struct {
		name, picture string
		x             float64
	}{
		{"grouped", "#,##0.00", 1234567.891},
		{"percent", "0.0%", 0.4567},
		{"exponent", "0.000e0", 1234.5678},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := FormatNumber(bc.x, bc.picture, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFormatInteger(b *testing.B) {
	for _, bc := range []struct {
		name, picture string
		n             float64
	}{
		{"grouped", "#,##0", 1234567},
		{"padded", "0000", 42},
		{"words", "w", 1234},
		{"roman", "I", 1984},
		{"ordinal", "0;o", 23},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := FormatInteger(bc.n, bc.picture); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFormatDateTime(b *testing.B) {
	for _, bc := range []struct {
		name, picture, tz string
	}{
		{"iso", "", ""},
		{"date", "[Y0001]-[M01]-[D01]", ""},
		{"names", "[FNn], [D1o] [MNn] [Y] [h]:[m01] [P]", "-0500"},
		{"week", "[X0001]-W[W01]-[F1]", "+0530"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := FormatDateTime(1521801216617, bc.picture, bc.tz); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
