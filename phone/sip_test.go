package phone_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/callcard/callcard/phone"
)

func TestOriginalTargetFromDiversion(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"two entries, last is original",
			`<sip:+31201234567@pbx.example.com>;reason=unconditional;counter=1;privacy=off, <sip:0612345678@x>;reason=no-answer;counter=1`,
			"0612345678"},
		{"single entry", `<sip:+31201234567@pbx.example.com;user=phone>;reason=unconditional;counter=1`, "+31201234567"},
		{"three entries", `<sip:300@pbx>;reason=user-busy;counter=1, <sip:+31201234568@pbx>;reason=no-answer;counter=1, <sip:+31201234567@pbx>;reason=unconditional;counter=1`,
			"+31201234567"},
		{"display names with commas in quotes",
			`"Doe, John" <sip:+31201234567@pbx>;reason=user-busy, "Sales, NL <main>" <sip:+31612345678@pbx>;reason=unconditional`,
			"+31612345678"},
		{"escaped quote in display name",
			`"The \"Boss\", NL" <sip:+31201234567@pbx>;reason=deflection, "A" <sip:0612345678@pbx>;reason=unconditional`,
			"0612345678"},
		{"comma in quoted reason", `<sip:111@a>;reason="a,b", <sip:0612345678@b>;reason=unconditional`, "0612345678"},
		{"comma in URI headers", `<sip:0612345678@pbx?X-Note=a,b>;reason=deflection`, "0612345678"},
		{"tel URI", `<tel:+31-20-123-4567>;reason=unconditional;counter=1`, "+31-20-123-4567"},
		{"tel URI with phone-context", `<tel:0201234567;phone-context=+31>;reason=unconditional`, "0201234567;phone-context=+31"},
		{"addr-spec without brackets", `sip:+31201234567@pbx;reason=unconditional`, "+31201234567"},
		{"percent-encoded plus", `<sip:%2B31201234567@pbx>;reason=unconditional`, "+31201234567"},
		{"unusable last entry skipped", `<sip:+31201234567@pbx>;reason=unconditional, <mailto:x@example.com>`, "+31201234567"},
		{"trailing comma", `<sip:+31201234567@pbx>;reason=unconditional,`, "+31201234567"},
		{"anonymous target", `<sip:anonymous@anonymous.invalid>;reason=unconditional`, "anonymous"},
	}
	for _, tt := range tests {
		got, err := phone.OriginalTargetFromDiversion(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: OriginalTargetFromDiversion(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "  ", "garbage", "<sip:pbx.example.com>;reason=unconditional", `"Only a name"`, "<sip:+31201234567@pbx"} {
		got, err := phone.OriginalTargetFromDiversion(in)
		var pe *phone.Error
		if !errors.As(err, &pe) {
			t.Errorf("OriginalTargetFromDiversion(%q) = %q, %v; want *phone.Error", in, got, err)
		}
	}
}

func TestOriginalTargetFromHistoryInfo(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"root listed first",
			`<sip:+31201234567@example.com>;index=1, <sip:0612345678@example.com?Reason=SIP%3Bcause%3D302>;index=1.1`,
			"+31201234567"},
		{"root listed last",
			`<sip:0612345678@example.com?Reason=SIP%3Bcause%3D302>;index=1.1, <sip:+31201234567@example.com>;index=1`,
			"+31201234567"},
		{"deeper tree, RFC 7044 params",
			`<sip:0612345678@example.com;user=phone>;index=1.1.1;rc=1.1, <sip:201@pbx.example.com?Reason=SIP%3Bcause%3D408>;index=1.1;mp=1, <sip:+31201234567@example.com;user=phone>;index=1`,
			"+31201234567"},
		{"display names with commas",
			`"Reception, Amsterdam" <sip:+31201234567@example.com>;index=1, "Jan, mobile" <sip:0612345678@example.com>;index=1.1;rc=1`,
			"+31201234567"},
		{"privacy header in URI", `<sip:+31201234567@example.com?Privacy=history>;index=1`, "+31201234567"},
		{"tel URI", `<tel:+31201234567>;index=1, <tel:+31612345678>;index=1.1`, "+31201234567"},
		{"spaces around =", `<sip:+31201234567@example.com>; index = 1`, "+31201234567"},
		{"local number with phone-context",
			`<sip:0201234567;phone-context=+31@example.com;user=phone>;index=1`, "0201234567;phone-context=+31"},
		{"index=10 is not the root", `<sip:0612345678@x>;index=10, <sip:+31201234567@x>;index=1`, "+31201234567"},
	}
	for _, tt := range tests {
		got, err := phone.OriginalTargetFromHistoryInfo(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: OriginalTargetFromHistoryInfo(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"",
		"<sip:0612345678@example.com>;index=1.1",
		"<sip:0612345678@example.com>",
		"<sip:example.com>;index=1",
		"<sip:0612345678@example.com?index=1>",
	} {
		got, err := phone.OriginalTargetFromHistoryInfo(in)
		var pe *phone.Error
		if !errors.As(err, &pe) || pe.Reason != phone.ReasonBadURI {
			t.Errorf("OriginalTargetFromHistoryInfo(%q) = %q, %v; want *phone.Error bad_uri", in, got, err)
		}
	}
}

func TestForwardedFrom(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain number", " 020 555 1234 ", "020 555 1234"},
		{"plain international", "+31 6 12345678", "+31 6 12345678"},
		{"tel URI", "tel:+31201234567", "+31201234567"},
		{"sip URI", "sip:+31201234567@pbx.example.com;user=phone", "+31201234567"},
		{"name-addr", `"Sales" <sip:0612345678@pbx>`, "0612345678"},
		{"Diversion by reason", `<sip:+31201234567@pbx>;reason=unconditional`, "+31201234567"},
		{"Diversion by counter", `<sip:+31201234567@pbx>;counter=2`, "+31201234567"},
		{"Diversion list without params", `<sip:+31201234568@pbx>, <sip:+31201234567@pbx>`, "+31201234567"},
		{"Diversion with quoted commas",
			`"Doe, John" <sip:+31201234568@pbx>;reason=user-busy, "Sales, NL" <sip:+31201234567@pbx>;reason=unconditional`,
			"+31201234567"},
		{"History-Info", `<sip:0612345678@x?Reason=SIP%3Bcause%3D302>;index=1.1, <sip:+31201234567@x>;index=1`, "+31201234567"},
		{"History-Info wins over reason", `<sip:+31201234567@x>;index=1;reason=x, <sip:0612345678@x>;index=1.1`, "+31201234567"},
	}
	for _, tt := range tests {
		got, err := phone.ForwardedFrom(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: ForwardedFrom(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "   ", "<sip:+31201234567@pbx", "sip:pbx.example.com", "<sip:0612345678@x>;index=1.1", "http://example.com", strings.Repeat("<sip:1@x>, ", 1000)} {
		got, err := phone.ForwardedFrom(in)
		var pe *phone.Error
		if !errors.As(err, &pe) {
			t.Errorf("ForwardedFrom(%q) = %q, %v; want *phone.Error", in, got, err)
		}
	}
}

// TestForwardedFromNormalises checks the intended pipeline: whatever
// ForwardedFrom returns is accepted by Normalise.
func TestForwardedFromNormalises(t *testing.T) {
	for in, want := range map[string]string{
		`<sip:+31201234567@pbx>;reason=unconditional`:                      "+31201234567",
		`<tel:0201234567;phone-context=+31>;reason=unconditional`:          "+31201234567",
		`<sip:0201234567;phone-context=+31@x;user=phone>;index=1`:          "+31201234567",
		`"Sales" <sip:0612345678@pbx>`:                                     "+31612345678",
		`<sip:%2B31612345678@pbx>;reason=no-answer;counter=1;privacy=full`: "+31612345678",
	} {
		raw, err := phone.ForwardedFrom(in)
		if err != nil {
			t.Errorf("ForwardedFrom(%q): %v", in, err)
			continue
		}
		n, err := phone.Normalise(raw)
		if err != nil || n.E164 != want {
			t.Errorf("Normalise(ForwardedFrom(%q) = %q) = %q, %v; want %q", in, raw, n.E164, err, want)
		}
	}
}
