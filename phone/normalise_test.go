package phone_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/callcard/callcard/phone"
)

// normalisers holds one Normaliser per region used in the tables, so that
// nationally written numbers are read in the right numbering plan.
var normalisers = func() map[string]*phone.Normaliser {
	m := map[string]*phone.Normaliser{}
	for _, r := range []string{"NL", "BE", "DE", "GB", "US"} {
		n, err := phone.New(phone.Config{DefaultRegion: r})
		if err != nil {
			panic(err)
		}
		m[r] = n
	}
	return m
}()

func TestNormalise(t *testing.T) {
	tests := []struct {
		region   string // default region of the Normaliser
		in       string
		e164     string
		kind     phone.Kind
		cc       string // Number.Region
		ext      string
		national string // checked when non-empty
	}{
		// NL: national formats with every separator PBXs and people use.
		{"NL", "06 12345678", "+31612345678", phone.KindMobile, "NL", "", "06 12345678"},
		{"NL", "0612345678", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "020-555 1234", "+31205551234", phone.KindFixedLine, "NL", "", "020 555 1234"},
		{"NL", "020/5551234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "020.555.1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "(020) 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "  06 - 1234 5678\t ", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "020\u00a0555\u00a01234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "+31\u202f20\u2013555\u20131234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "+31612345678", phone.KindMobile, "NL", "", ""},
		// NL: international forms.
		{"NL", "+31 (0)20 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", "020 555 1234"},
		{"NL", "+31(0)612345678", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "0031 20 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "0031 (0)20 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "31612345678", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "32470123456", "+32470123456", phone.KindMobile, "BE", "", "0470 12 34 56"},
		{"NL", "4930123456", "+4930123456", phone.KindFixedLine, "DE", "", ""},
		{"NL", "+44 7911 123456", "+447911123456", phone.KindMobile, "GG", "", ""},
		{"NL", "+800 1234 5678", "+80012345678", phone.KindTollFree, "", "", ""},
		// NL: number kinds.
		{"NL", "0800 1234", "+318001234", phone.KindTollFree, "NL", "", "0800 1234"},
		{"NL", "0900 1234567", "+319001234567", phone.KindPremium, "NL", "", ""},
		{"NL", "085 123 4567", "+31851234567", phone.KindVoIP, "NL", "", ""},
		{"NL", "088 123 4567", "+31881234567", phone.KindUnknown, "NL", "", ""}, // UAN (company number)
		// URIs and display names.
		{"NL", "tel:+31-20-555-1234;phone-context=example.com", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "tel:020-555-1234;phone-context=+31", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"NL", "TEL:+31205551234;ext=7", "+31205551234", phone.KindFixedLine, "NL", "7", ""},
		{"NL", "sip:+31612345678@pbx.example.com:5060;user=phone", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "sips:+31612345678@pbx.example.com", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "sip:0612345678@10.0.0.1;transport=udp", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "sip:%2B31612345678@pbx", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "sip:0201234567;phone-context=+31@pbx;user=phone", "+31201234567", phone.KindFixedLine, "NL", "", ""},
		{"NL", `"Martijn de Vries" <sip:+31612345678@host>`, "+31612345678", phone.KindMobile, "NL", "", "06 12345678"},
		{"NL", `"de Vries, Martijn <ICT>" <sip:+31612345678@host>;tag=a6c85cf`, "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "Name <tel:+31201234567>", "+31201234567", phone.KindFixedLine, "NL", "", "020 123 4567"},
		{"NL", "<sip:0612345678@pbx>", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", `"0612345678"`, "+31612345678", phone.KindMobile, "NL", "", ""},
		{"NL", "0612345678@pbx.example.com", "+31612345678", phone.KindMobile, "NL", "", ""},
		// Extensions.
		{"NL", "+31 20 555 1234 x12", "+31205551234", phone.KindFixedLine, "NL", "12", "020 555 1234"},
		{"NL", "+31205551234;ext=12", "+31205551234", phone.KindFixedLine, "NL", "12", ""},
		{"NL", "020 555 1234 ext. 12", "+31205551234", phone.KindFixedLine, "NL", "12", ""},
		{"NL", "020 555 1234 Extension 301", "+31205551234", phone.KindFixedLine, "NL", "301", ""},
		{"NL", "020 555 1234 EXT:9", "+31205551234", phone.KindFixedLine, "NL", "9", ""},
		// BE.
		{"BE", "0470 12 34 56", "+32470123456", phone.KindMobile, "BE", "", "0470 12 34 56"},
		{"BE", "02 555 12 34", "+3225551234", phone.KindFixedLine, "BE", "", "02 555 12 34"},
		{"BE", "+32 (0)2 555 12 34", "+3225551234", phone.KindFixedLine, "BE", "", ""},
		{"BE", "0800 12 345", "+3280012345", phone.KindTollFree, "BE", "", ""},
		{"BE", "3225551234", "+3225551234", phone.KindFixedLine, "BE", "", ""},
		// DE.
		{"DE", "030 1234567", "+49301234567", phone.KindFixedLine, "DE", "", "030 1234567"},
		{"DE", "0151 23456789", "+4915123456789", phone.KindMobile, "DE", "", "01512 3456789"},
		{"DE", "+49 (0)30 1234567", "+49301234567", phone.KindFixedLine, "DE", "", ""},
		{"DE", "0800 1234567", "+498001234567", phone.KindTollFree, "DE", "", ""},
		{"DE", "0180 1234567", "+491801234567", phone.KindSharedCost, "DE", "", ""},
		{"DE", "0900 1234567", "+499001234567", phone.KindPremium, "DE", "", ""},
		// GB.
		{"GB", "020 7946 0018", "+442079460018", phone.KindFixedLine, "GB", "", "020 7946 0018"},
		{"GB", "07400 123456", "+447400123456", phone.KindMobile, "GB", "", "07400 123456"},
		{"GB", "+44 (0)20 7946 0018", "+442079460018", phone.KindFixedLine, "GB", "", ""},
		{"GB", "0800 123 4567", "+448001234567", phone.KindTollFree, "GB", "", ""},
		{"GB", "070 1234 5678", "+447012345678", phone.KindVoIP, "GB", "", ""},    // personal number
		{"GB", "0303 123 4567", "+443031234567", phone.KindUnknown, "GB", "", ""}, // UAN
		// US.
		{"US", "(415) 555-2671", "+14155552671", phone.KindFixedLine, "US", "", "(415) 555-2671"},
		{"US", "415.555.2671", "+14155552671", phone.KindFixedLine, "US", "", ""},
		{"US", "1-800-234-5678", "+18002345678", phone.KindTollFree, "US", "", "(800) 234-5678"},
		{"US", "14155552671", "+14155552671", phone.KindFixedLine, "US", "", ""},
		{"US", "+1 415 555 2671 ext. 3", "+14155552671", phone.KindFixedLine, "US", "3", ""},
		{"US", "1-900-234-5678", "+19002345678", phone.KindPremium, "US", "", ""},
		{"US", "31612345678", "+31612345678", phone.KindMobile, "NL", "", ""},
		{"US", "011 31 20 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"US", "011 31 (0)20 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
		{"US", "0031 20 555 1234", "+31205551234", phone.KindFixedLine, "NL", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.in, func(t *testing.T) {
			got, err := normalisers[tt.region].Normalise(tt.in)
			if err != nil {
				t.Fatalf("Normalise(%q) error: %v", tt.in, err)
			}
			if got.E164 != tt.e164 || got.Kind != tt.kind || got.Region != tt.cc || got.Extension != tt.ext {
				t.Errorf("Normalise(%q) = E164 %q Kind %q Region %q Ext %q; want %q %q %q %q",
					tt.in, got.E164, got.Kind, got.Region, got.Extension, tt.e164, tt.kind, tt.cc, tt.ext)
			}
			if tt.national != "" && got.National != tt.national {
				t.Errorf("Normalise(%q).National = %q, want %q", tt.in, got.National, tt.national)
			}
			if got.Withheld || got.Internal {
				t.Errorf("Normalise(%q) = Withheld %v Internal %v, want neither", tt.in, got.Withheld, got.Internal)
			}
			if want := strings.TrimSpace(tt.in); got.Raw != want {
				t.Errorf("Normalise(%q).Raw = %q, want %q", tt.in, got.Raw, want)
			}
		})
	}
}

func TestNormaliseWithheld(t *testing.T) {
	for _, in := range []string{
		"", "   ", "\t\u00a0", "anonymous", "Anonymous", "ANONYMOUS", "restricted", "Private",
		"unavailable", "Unknown", "withheld", "Number Withheld",
		"Anonymous <sip:anonymous@anonymous.invalid>",
		`"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1928301774`,
		"sip:anonymous@anonymous.invalid",
		"sip:anonymous@pbx.example.com",
		"SIP:Anonymous@pbx.example.com;user=phone",
		"sip:+31612345678@anonymous.invalid",
		"tel:restricted",
	} {
		got, err := phone.Normalise(in)
		if err != nil {
			t.Errorf("Normalise(%q) error: %v", in, err)
			continue
		}
		want := phone.Number{Raw: strings.TrimSpace(in), Kind: phone.KindUnknown, Withheld: true}
		if in == "\t\u00a0" {
			want.Raw = ""
		}
		if got != want {
			t.Errorf("Normalise(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestNormaliseInternal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"201", "201"},
		{"12", "12"},
		{"12345", "12345"},
		{"2 01", "201"},
		{"sip:201@pbx.example.com", "201"},
		{`"Reception" <sip:200@10.0.0.1:5060>`, "200"},
		{"112", "112"}, // purely by length, even though it is NL's emergency number
	}
	for _, tt := range tests {
		got, err := phone.Normalise(tt.in)
		if err != nil {
			t.Errorf("Normalise(%q) error: %v", tt.in, err)
			continue
		}
		want := phone.Number{Raw: tt.in, National: tt.want, Kind: phone.KindUnknown, Internal: true}
		if got != want {
			t.Errorf("Normalise(%q) = %+v, want %+v", tt.in, got, want)
		}
	}

	// A narrower configured range makes longer digit strings public numbers.
	n, err := phone.New(phone.Config{InternalMinDigits: 3, InternalMaxDigits: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := n.Normalise("2001"); err != nil || !got.Internal {
		t.Errorf("range [3,4]: Normalise(2001) = %+v, %v; want internal", got, err)
	}
	for _, in := range []string{"12", "20001"} {
		if got, err := n.Normalise(in); err == nil {
			t.Errorf("range [3,4]: Normalise(%q) = %+v, want error", in, got)
		}
	}
}

func TestNormaliseErrors(t *testing.T) {
	tests := []struct {
		region string
		in     string
		reason phone.Reason
	}{
		{"NL", "abc", phone.ReasonLetters},
		{"NL", "12ab34", phone.ReasonLetters},
		{"NL", "0800-FLOWERS", phone.ReasonLetters},
		{"NL", "x12", phone.ReasonLetters},
		{"NL", "06 12345678 (mobiel)", phone.ReasonLetters},
		{"NL", "Jan 0612345678", phone.ReasonLetters},
		{"NL", "06é12345678", phone.ReasonLetters},
		{"NL", "*31#0612345678", phone.ReasonCharacters},
		{"NL", "06,12345678", phone.ReasonCharacters},
		{"NL", "06\xff12345678", phone.ReasonCharacters},
		{"NL", "+", phone.ReasonTooShort},
		{"NL", "-", phone.ReasonTooShort},
		{"NL", "1", phone.ReasonTooShort},
		{"NL", "+1", phone.ReasonTooShort},
		{"NL", "+31 6", phone.ReasonTooShort},
		{"BE", "+32 12", phone.ReasonTooShort},
		{"NL", "123456789012345678901", phone.ReasonTooLong},
		{"NL", "+3161234567890123", phone.ReasonTooLong},
		{"NL", "0612345678 x1234567890123456", phone.ReasonTooLong},
		{"NL", strings.Repeat("0", 300), phone.ReasonTooLong},
		{"NL", "++31", phone.ReasonInvalid},
		{"NL", "06+12345678", phone.ReasonInvalid},
		{"NL", "0201234", phone.ReasonInvalid},
		{"NL", "0612345678;ext=ab", phone.ReasonInvalid},
		{"DE", "0900 123456789", phone.ReasonInvalid},
		{"GB", "07700 900123", phone.ReasonInvalid}, // Ofcom drama range: not valid per the metadata
		{"US", "(555) 555-2671", phone.ReasonInvalid},
		{"NL", "+999 1234567", phone.ReasonCountryCode},
		{"NL", "<sip:+31612345678@host", phone.ReasonBadURI},
		{"NL", "sip:pbx.example.com", phone.ReasonBadURI},
		{"NL", "sip:@pbx.example.com", phone.ReasonBadURI},
		{"NL", "tel:", phone.ReasonBadURI},
		{"NL", "mailto:jan@example.com", phone.ReasonBadURI},
		{"NL", `"unterminated <sip:0612345678@x>`, phone.ReasonBadURI},
		{"NL", "tel:5551234;phone-context=+3x", phone.ReasonBadURI},
	}
	for _, tt := range tests {
		got, err := normalisers[tt.region].Normalise(tt.in)
		var pe *phone.Error
		if !errors.As(err, &pe) {
			t.Errorf("%s Normalise(%q) = %+v, %v; want *phone.Error %s", tt.region, tt.in, got, err, tt.reason)
			continue
		}
		if pe.Reason != tt.reason {
			t.Errorf("%s Normalise(%q) reason %q (%v), want %q", tt.region, tt.in, pe.Reason, err, tt.reason)
		}
		if pe.Input == "" || pe.Detail == "" {
			t.Errorf("%s Normalise(%q): error lacks Input or Detail: %#v", tt.region, tt.in, pe)
		}
		if got.E164 != "" || got.Withheld || got.Internal {
			t.Errorf("%s Normalise(%q) returned a number with its error: %+v", tt.region, tt.in, got)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := phone.Normalise("abc")
	if got, want := err.Error(), `"abc": not a telephone number: contains letters`; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	_, err = phone.Normalise(strings.Repeat("9", 257))
	if msg := err.Error(); len(msg) > 150 || !strings.Contains(msg, "longer than 256 bytes") {
		t.Errorf("huge input message not truncated or unclear: %q", msg)
	}
}

func TestNew(t *testing.T) {
	n, err := phone.New(phone.Config{})
	if err != nil || n.DefaultRegion() != "NL" {
		t.Fatalf("New(Config{}) = %v, %v; want region NL", n, err)
	}
	n, err = phone.New(phone.Config{DefaultRegion: "be"})
	if err != nil || n.DefaultRegion() != "BE" {
		t.Fatalf(`New(region "be") = %v, %v; want region BE`, n, err)
	}
	for _, cfg := range []phone.Config{
		{DefaultRegion: "XX"},
		{DefaultRegion: "Netherlands"},
		{InternalMinDigits: 6, InternalMaxDigits: 4},
		{InternalMinDigits: -1},
		{InternalMaxDigits: 1}, // below the default minimum of 2
		{InternalMaxDigits: 16},
	} {
		if _, err := phone.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded, want error", cfg)
		}
	}
}

func TestNormalisePrefix(t *testing.T) {
	tests := []struct{ region, in, want string }{
		{"NL", "020 555 12", "+312055512"},
		{"NL", "+31 20 55512", "+312055512"},
		{"NL", "0031 20 555", "+3120555"},
		{"NL", "+31 (0)20 555", "+3120555"},
		{"NL", "+31 020 555", "+3120555"},
		{"NL", "+44 020 7946", "+44207946"},
		{"NL", "+49 (0)30 1234", "+49301234"},
		{"NL", "020-555-1234", "+31205551234"},
		{"NL", "+32 2 555 12", "+32255512"},
		{"BE", "02 555 12", "+32255512"},
		{"US", "1 415 555", "+1415555"},
		{"US", "(415) 555", "+1415555"},
		{"US", "011 31 20 555", "+3120555"},
	}
	for _, tt := range tests {
		got, err := normalisers[tt.region].NormalisePrefix(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s NormalisePrefix(%q) = %q, %v; want %q", tt.region, tt.in, got, err, tt.want)
		}
	}

	errs := []struct {
		in     string
		reason phone.Reason
	}{
		{"", phone.ReasonTooShort},
		{"020", phone.ReasonTooShort},
		{"+31 20", phone.ReasonTooShort},
		{"+31", phone.ReasonTooShort},
		{"+31 20 555 1234 567", phone.ReasonTooLong},
		{"abc", phone.ReasonLetters},
		{"020 555 12 x3", phone.ReasonLetters},
		{"020 555 12*", phone.ReasonCharacters},
		{"+999 1234", phone.ReasonCountryCode},
	}
	for _, tt := range errs {
		got, err := normalisers["NL"].NormalisePrefix(tt.in)
		var pe *phone.Error
		if !errors.As(err, &pe) || pe.Reason != tt.reason {
			t.Errorf("NormalisePrefix(%q) = %q, %v; want *phone.Error %s", tt.in, got, err, tt.reason)
		}
	}
}

// TestConcurrent exercises one Normaliser from many goroutines; run with
// -race it proves the "safe for concurrent use" promise.
func TestConcurrent(t *testing.T) {
	inputs := []string{"06 12345678", "+31 (0)20 555 1234", "sip:201@pbx", "anonymous", "abc", "32470123456"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				in := inputs[(g+i)%len(inputs)]
				a, errA := phone.Normalise(in)
				b, errB := phone.Normalise(in)
				if a != b || (errA == nil) != (errB == nil) {
					t.Errorf("Normalise(%q) not deterministic: %+v/%v vs %+v/%v", in, a, errA, b, errB)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestNormaliseCache checks that a small cache, full and forgetting, always
// answers as parsing does, errors included.
func TestNormaliseCache(t *testing.T) {
	cached, err := phone.New(phone.Config{CacheSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := phone.New(phone.Config{CacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{"06 12345678", "020-555 1234", "+32 2 555 12 34", "06 12345678", "sip:+31612345678@pbx", "06 12345678", "not a number", "not a number", "201", "anonymous"}
	for round := range 3 {
		for _, in := range inputs {
			got, gerr := cached.Normalise(in)
			want, werr := plain.Normalise(in)
			if got != want || (gerr == nil) != (werr == nil) {
				t.Fatalf("round %d: %q = %+v, %v with a cache of 2, want %+v, %v", round, in, got, gerr, want, werr)
			}
		}
	}
}
