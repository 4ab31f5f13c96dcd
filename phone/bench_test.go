package phone_test

import (
	"testing"

	"github.com/callcard/callcard/phone"
)

// sink keeps results alive so the compiler cannot drop the calls.
var sink phone.Number

// BenchmarkNormalise covers the caller-ID shapes seen on the hot path: a
// national mobile, an international number with "(0)", an IDD-prefixed
// number, a trunk's country code without '+', an extension, and the cheap
// withheld and internal exits.
func BenchmarkNormalise(b *testing.B) {
	// Without the cache: these measure parsing.
	n, err := phone.New(phone.Config{CacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []string{
		"06 12345678",
		"+31 (0)20 555 1234",
		"0031 20 555 1234",
		"31612345678",
		"+31 20 555 1234 x12",
		"anonymous",
		"201",
	} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = n.Normalise(in)
			}
		})
	}
}

// BenchmarkCanonical is BenchmarkNormalise's parsing without the display
// fields, as importers store numbers.
func BenchmarkCanonical(b *testing.B) {
	n, err := phone.New(phone.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []string{"06 12345678", "+31 (0)20 555 1234", "31612345678"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = n.Canonical(in)
			}
		})
	}
}

// BenchmarkNormaliseSIP covers SIP From/P-Asserted-Identity values, which
// need the URI and display-name cleanup before parsing.
func BenchmarkNormaliseSIP(b *testing.B) {
	// Without the cache: these measure parsing.
	n, err := phone.New(phone.Config{CacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	for name, in := range map[string]string{
		"sip":          "sip:+31612345678@pbx.example.com:5060;user=phone",
		"sip-national": "sip:0612345678@10.0.0.1;transport=udp",
		"display-name": `"Martijn de Vries" <sip:+31612345678@pbx.example.com>;tag=a6c85cf`,
		"tel":          "tel:+31-20-555-1234;phone-context=example.com",
		"anonymous":    "Anonymous <sip:anonymous@anonymous.invalid>",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = n.Normalise(in)
			}
		})
	}
}

// BenchmarkNormaliseCached is a number normalised before, as the company's
// own numbers and regular callers are.
func BenchmarkNormaliseCached(b *testing.B) {
	n, err := phone.New(phone.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sink, _ = n.Normalise("06 12345678")
	}
}
