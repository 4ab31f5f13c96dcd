package phone_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/callcard/callcard/phone"
	"github.com/nyaruka/phonenumbers"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ so that plain
// `go test` replays them on every run.

// FuzzNormalise checks the invariants callers rely on: no panic; errors are
// always *phone.Error with a Reason; a public number has an E.164 form that
// normalises to itself; withheld and internal numbers are well-formed; the
// cache of recent inputs gives the same answer as parsing.
func FuzzNormalise(f *testing.F) {
	uncached, err := phone.New(phone.Config{CacheSize: -1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := phone.Normalise(in)
		// The cache never changes an answer.
		if u, uerr := uncached.Normalise(in); u != n || (uerr == nil) != (err == nil) {
			t.Fatalf("Normalise(%q) = %+v, %v with the cache, %+v, %v without", in, n, err, u, uerr)
		}
		// Canonical is Normalise without the display fields.
		c, cerr := uncached.Canonical(in)
		want := n
		if !n.Internal {
			want.National, want.Region = "", ""
		}
		if c != want || (cerr == nil) != (err == nil) {
			t.Fatalf("Canonical(%q) = %+v, %v; Normalise gave %+v, %v", in, c, cerr, n, err)
		}
		if err != nil {
			var pe *phone.Error
			if !errors.As(err, &pe) || pe.Reason == "" || err.Error() == "" {
				t.Fatalf("Normalise(%q) error %T %v is not a *phone.Error with a Reason", in, err, err)
			}
			return
		}
		switch {
		case n.Withheld:
			if n.Internal || n.E164 != "" || n.Kind != phone.KindUnknown {
				t.Fatalf("Normalise(%q) = %+v: inconsistent withheld number", in, n)
			}
		case n.Internal:
			if n.E164 != "" || len(n.National) < 2 || len(n.National) > 5 || strings.Trim(n.National, "0123456789") != "" {
				t.Fatalf("Normalise(%q) = %+v: inconsistent internal number", in, n)
			}
		default:
			// A '+' and digits: E.164 allows 15, but libphonenumber accepts
			// some longer national numbers (German ones, 16 in all with the
			// country code); never more than its longest national number
			// (17) after the longest country code (3).
			if !strings.HasPrefix(n.E164, "+") || len(n.E164) > 1+3+17 || strings.Trim(n.E164[1:], "0123456789") != "" {
				t.Fatalf("Normalise(%q).E164 = %q, not E.164", in, n.E164)
			}
			// Normalise relies on GetNumberType != UNKNOWN meaning valid.
			if num, err := phonenumbers.Parse(n.E164, "ZZ"); err != nil || !phonenumbers.IsValidNumber(num) {
				t.Fatalf("Normalise(%q).E164 = %q, which libphonenumber does not call valid (%v)", in, n.E164, err)
			}
			again, err := phone.Normalise(n.E164)
			if err != nil || again.E164 != n.E164 || again.Kind != n.Kind || again.Region != n.Region {
				t.Fatalf("Normalise(%q) = %+v, but Normalise(%q) = %+v, %v", in, n, n.E164, again, err)
			}
		}

		p, err := phone.Normalise(in) // deterministic
		if p != n {
			t.Fatalf("Normalise(%q) not deterministic: %+v vs %+v (%v)", in, n, p, err)
		}

		prefix, err := normalisers["NL"].NormalisePrefix(in)
		if err != nil {
			var pe *phone.Error
			if !errors.As(err, &pe) {
				t.Fatalf("NormalisePrefix(%q) error %T is not a *phone.Error", in, err)
			}
			return
		}
		if !strings.HasPrefix(prefix, "+") || len(prefix) < 6 || len(prefix) > 16 || strings.Trim(prefix[1:], "0123456789") != "" {
			t.Fatalf("NormalisePrefix(%q) = %q, not an E.164 prefix", in, prefix)
		}
	})
}

// FuzzForwardedFrom checks that header parsing never panics, reports
// failures as *phone.Error, and returns text that Normalise can take.
func FuzzForwardedFrom(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		check := func(name, out string, err error) {
			if err != nil {
				var pe *phone.Error
				if !errors.As(err, &pe) || pe.Reason == "" || err.Error() == "" {
					t.Fatalf("%s(%q) error %T %v is not a *phone.Error with a Reason", name, in, err, err)
				}
				if out != "" {
					t.Fatalf("%s(%q) = %q with error %v", name, in, out, err)
				}
				return
			}
			if strings.TrimSpace(out) == "" {
				t.Fatalf("%s(%q) = %q: empty result without error", name, in, out)
			}
			if _, err := phone.Normalise(out); err != nil {
				var pe *phone.Error
				if !errors.As(err, &pe) {
					t.Fatalf("Normalise(%s(%q) = %q) error %T is not a *phone.Error", name, in, out, err)
				}
			}
		}
		out, err := phone.ForwardedFrom(in)
		check("ForwardedFrom", out, err)
		out, err = phone.OriginalTargetFromDiversion(in)
		check("OriginalTargetFromDiversion", out, err)
		out, err = phone.OriginalTargetFromHistoryInfo(in)
		check("OriginalTargetFromHistoryInfo", out, err)
	})
}
