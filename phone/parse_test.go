package phone

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// numberFields shows every field of a parsed number, and whether it is set.
func numberFields(n *phonenumbers.PhoneNumber) string {
	show := func(set bool, v any) string {
		if !set {
			return "-"
		}
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("cc=%s nn=%s italian0=%s zeros=%s ext=%s raw=%s source=%s carrier=%s",
		show(n.CountryCode != nil, n.GetCountryCode()), show(n.NationalNumber != nil, n.GetNationalNumber()),
		show(n.ItalianLeadingZero != nil, n.GetItalianLeadingZero()), show(n.NumberOfLeadingZeros != nil, n.GetNumberOfLeadingZeros()),
		show(n.Extension != nil, n.GetExtension()), show(n.RawInput != nil, n.GetRawInput()),
		show(n.CountryCodeSource != nil, n.GetCountryCodeSource()),
		show(n.PreferredDomesticCarrierCode != nil, n.GetPreferredDomesticCarrierCode()))
}

// compareParse fails t when the digit parser and ParseToNumber disagree on
// in (the same error, or the same number), or when numberType, e164 and
// nationalSignificant disagree with GetNumberType, Format and
// GetNationalSignificantNumber on the number.
func compareParse(t *testing.T, p *digitParser, in, region string) {
	t.Helper()
	want := &phonenumbers.PhoneNumber{}
	wantErr := phonenumbers.ParseToNumber(in, region, want)
	got := &phonenumbers.PhoneNumber{}
	gotErr := p.parse(in, region, got)
	if gotErr != wantErr {
		t.Fatalf("parse(%q, %s): error %v, ParseToNumber: %v", in, region, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if numberFields(got) != numberFields(want) {
		t.Fatalf("parse(%q, %s) = %s\nParseToNumber gives %s", in, region, numberFields(got), numberFields(want))
	}
	if e, wantE := e164(got), phonenumbers.Format(want, phonenumbers.E164); e != wantE {
		t.Fatalf("e164(%q in %s) = %q, Format: %q", in, region, e, wantE)
	}
	if nsn, wantNSN := nationalSignificant(got), phonenumbers.GetNationalSignificantNumber(want); nsn != wantNSN {
		t.Fatalf("nationalSignificant(%q in %s) = %q, GetNationalSignificantNumber: %q", in, region, nsn, wantNSN)
	}
	if typ, wantTyp := p.numberType(got), phonenumbers.GetNumberType(want); typ != wantTyp {
		t.Fatalf("numberType(%q in %s) = %v, GetNumberType: %v", in, region, typ, wantTyp)
	}
}

// regionsSorted is every region libphonenumber knows, in a fixed order.
func regionsSorted() []string {
	var rs []string
	for r := range phonenumbers.GetSupportedRegions() {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	return rs
}

// TestDigitParser compares the digit parser with ParseToNumber on the
// example numbers of every region and every type, written the ways a
// scanner may pass them on (with '+', with the international or national
// prefix, with the country code but no '+', a digit short or long), and
// on random digit strings, each read in the number's own region and in
// regions with other rules: Argentina transforms national prefixes, Italy
// keeps leading zeros, the US has no national "0".
func TestDigitParser(t *testing.T) {
	p, err := newDigitParser()
	if err != nil {
		t.Fatal(err)
	}
	defaults := []string{"NL", "US", "IT", "AR", "MX", "BR", "GB", "DE", "RU", "AU"}
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.VOIP, phonenumbers.UAN}
	compared := 0
	for _, region := range regionsSorted() {
		cc := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region))
		ndd := phonenumbers.GetNddPrefixForRegion(region, true)
		for _, typ := range types {
			ex := phonenumbers.GetExampleNumberForType(region, typ)
			if ex == nil {
				continue
			}
			nsn := phonenumbers.GetNationalSignificantNumber(ex)
			for _, in := range []string{"+" + cc + nsn, "00" + cc + nsn, "011" + cc + nsn, cc + nsn, ndd + nsn, nsn,
				"+" + cc + ndd + nsn, "+" + cc + nsn[:len(nsn)-1], "+" + cc + nsn + "5", ndd + nsn[1:], "0" + nsn, "+0" + cc + nsn} {
				for _, def := range []string{region, "NL", "AR"} {
					compareParse(t, p, in, def)
					compared++
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteByte('+')
		}
		for range 1 + rng.IntN(19) {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		for _, def := range defaults[:2] {
			compareParse(t, p, b.String(), def)
			compared++
		}
	}
	// Digits starting with the default region's country code, which
	// libphonenumber may or may not take as that code without a '+'.
	for _, def := range defaults {
		cc := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(def))
		for range 200 {
			var b strings.Builder
			b.WriteString(cc)
			for range 4 + rng.IntN(10) {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			compareParse(t, p, b.String(), def)
			compared++
		}
	}
	t.Logf("%d inputs compared", compared)
}

// FuzzDigitParser compares the digit parser with ParseToNumber on any
// digits, with or without a '+', in any region.
func FuzzDigitParser(f *testing.F) {
	for _, seed := range []string{"+31612345678", "0612345678", "0031612345678", "31612345678", "+0", "00", "+54 9 11 1234 5678",
		"0115491112345678", "+39 02 1234 5678", "+800 1234 5678", "+882 1234 5678", "1 650 253 0000", "+52 1 55 1234 5678"} {
		f.Add(seed, uint16(0))
		f.Add(seed, uint16(1))
	}
	p, err := newDigitParser()
	if err != nil {
		f.Fatal(err)
	}
	regions := regionsSorted()
	f.Fuzz(func(t *testing.T, s string, region uint16) {
		var b strings.Builder
		if strings.HasPrefix(s, "+") {
			b.WriteByte('+')
		}
		for i := 0; i < len(s) && b.Len() < maxDigits+1; i++ {
			if s[i] >= '0' && s[i] <= '9' {
				b.WriteByte(s[i])
			}
		}
		compareParse(t, p, b.String(), regions[int(region)%len(regions)])
	})
}
