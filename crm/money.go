package crm

import (
	"strconv"
	"strings"
)

// Money is an amount in euro cents. Integer cents keep sums exact.
type Money int64

// Euros returns the amount in whole euros, rounded down.
func (m Money) Euros() int64 { return int64(m) / 100 }

// String formats as plain decimal euros without a currency sign, e.g. "12500"
// or "12500.50"; the format import and export use.
func (m Money) String() string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := strconv.FormatInt(int64(m)/100, 10)
	if c := int64(m) % 100; c != 0 {
		s += "." + strconv.FormatInt(100+c, 10)[1:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// dropSeparators removes thousands separators. It is built once: building
// a Replacer costs far more than using it, and a contacts import calls
// ParseMoney for every row.
var dropSeparators = strings.NewReplacer(".", "", ",", "")

// ParseMoney reads a non-negative euro amount as people write it in a sheet:
// "12500", "12500.50", "12.500,50", "€ 12,500", "12 500". A lone separator
// followed by exactly two digits is read as the decimal point.
func ParseMoney(field, s string) (Money, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "€")
	t = strings.TrimPrefix(strings.ToUpper(t), "EUR")
	t = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\'' {
			return -1
		}
		return r
	}, t)
	if t == "" {
		return 0, nil
	}
	cents := int64(0)
	if i := strings.LastIndexAny(t, ".,"); i >= 0 && len(t)-i-1 <= 2 && len(t)-i-1 > 0 &&
		strings.Count(t, t[i:i+1]) == 1 {
		frac := t[i+1:]
		if len(frac) == 1 {
			frac += "0"
		}
		c, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, Errorf(CodeInvalid, field, "%q is not an amount in euros", s)
		}
		cents = c
		t = t[:i]
	}
	t = dropSeparators.Replace(t)
	if t == "" {
		t = "0"
	}
	whole, err := strconv.ParseInt(t, 10, 64)
	if err != nil || whole < 0 || whole > 1e13 {
		return 0, Errorf(CodeInvalid, field, "%q is not an amount in euros", s)
	}
	return Money(whole*100 + cents), nil
}
