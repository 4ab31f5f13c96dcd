package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// The languages the console speaks; English is the fallback.
const (
	langEN = "en"
	langNL = "nl"
)

const langCookie = "callcard_lang"

// language picks the page language: the switch (a cookie), else the
// browser's first preference we speak, else English.
func language(c echo.Context) string {
	if ck, err := c.Cookie(langCookie); err == nil && known(ck.Value) {
		return ck.Value
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		if base := strings.SplitN(tag, "-", 2)[0]; known(base) {
			return base
		}
	}
	return langEN
}

func known(lang string) bool { return lang == langEN || lang == langNL }

func (s *Server) setLanguageCookie(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS()})
}

// switchLanguage is the language switch: it remembers the choice and goes back.
func (s *Server) switchLanguage(c echo.Context) error {
	lang := c.Param("lang")
	if !known(lang) {
		return crm.Errorf(crm.CodeNotFound, "lang", "no such language")
	}
	s.setLanguageCookie(c, lang)
	return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
}

// locale is the request's Locale.
func (s *Server) locale(c echo.Context) Locale { return s.locales[language(c)] }

// t translates a message key for the request's language.
func (s *Server) t(c echo.Context, key string, args ...any) string {
	return s.locale(c).T(key, args...)
}

// Locale formats text, dates, money and numbers for one language.
type Locale struct {
	Lang     string
	messages map[string]string
	fallback map[string]string
	loc      *time.Location // the firm's time zone, for clock times and dates
}

// newLocales builds both catalogues once; they are read-only afterwards.
func newLocales(loc *time.Location) map[string]Locale {
	en, nl := english(), dutch()
	return map[string]Locale{
		langEN: {Lang: langEN, messages: en, fallback: en, loc: loc},
		langNL: {Lang: langNL, messages: nl, fallback: en, loc: loc},
	}
}

// T looks a message up; a missing key shows itself so it gets noticed.
func (l Locale) T(key string, args ...any) string {
	msg, ok := l.messages[key]
	if !ok {
		if msg, ok = l.fallback[key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Number groups thousands: 12,500 in English, 12.500 in Dutch.
func (l Locale) Number(n int64) string {
	sep := ","
	if l.Lang == "nl" {
		sep = "."
	}
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Money is whole euros: "€8,400" / "€ 8.400".
func (l Locale) Money(m crm.Money) string {
	if l.Lang == "nl" {
		return "€ " + l.Number(m.Euros())
	}
	return "€" + l.Number(m.Euros())
}

// Date is "28 Nov 2026" / "28 nov 2026"; zero is "".
func (l Locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.loc)
	if l.Lang == "nl" {
		months := [...]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
		return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
	}
	return t.Format("2 Jan 2006")
}

// Time is the clock time, 24-hour in both languages.
func (l Locale) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.loc).Format("15:04")
}

// Years is "7 years" / "7 jaar".
func (l Locale) Years(n int) string {
	switch {
	case l.Lang == "nl":
		return fmt.Sprintf("%d jaar", n)
	case n == 1:
		return "1 year"
	}
	return fmt.Sprintf("%d years", n)
}

// HintReason says why a hint is worth mentioning. English is the register's
// own wording (crm.Hint.Reason); another language puts the same facts in
// its words, with the "why.*" messages.
func (l Locale) HintReason(h crm.Hint) string {
	if l.Lang == langEN || len(h.Reasons) == 0 {
		return h.Reason
	}
	return l.hintReasonWords(h)
}

// hintReasonWords says h.Reasons with this locale's messages. The English
// messages say them as crm does (TestHintReasonWords).
func (l Locale) hintReasonWords(h crm.Hint) string {
	var b strings.Builder
	for i, r := range h.Reasons {
		if crm.SaidWithHeld(h.Reasons, i) {
			// With the years just said: "hosting al 7 jaar, verlengt over 40 dagen".
			b.WriteString(l.T("why.renews_too", l.inDays(r.Days)))
			continue
		}
		if i > 0 {
			b.WriteString("; ")
		}
		switch r.Kind {
		case crm.ReasonHeld:
			b.WriteString(l.T("why.held", r.Service, l.Years(r.Years)))
		case crm.ReasonComplements:
			b.WriteString(l.T("why.complements", r.Service, strings.Join(r.Others, l.T("why.and"))))
		case crm.ReasonRenews:
			b.WriteString(l.T("why.renews", r.Service, l.inDays(r.Days)))
		case crm.ReasonMentioned:
			b.WriteString(l.T("why.mentioned", r.Keyword, l.ago(r.Days)))
		case crm.ReasonDeclined, crm.ReasonLastMentioned:
			b.WriteString(l.T("why."+string(r.Kind), l.ago(r.Days)))
		default:
			b.WriteString(l.T("why." + string(r.Kind)))
		}
	}
	return b.String()
}

// Relation says what the employee a caller asks for is to the caller's
// organisation: "accountmanager", "engineer, 12 dagen geleden contact".
// English is the register's own wording (crm.CallingFor.Relation).
func (l Locale) Relation(cf *crm.CallingFor) string {
	if l.Lang == langEN {
		return cf.Relation
	}
	return l.relationWords(cf)
}

// relationWords says cf with this locale's messages; the English ones say
// it as crm does (TestRelationWords).
func (l Locale) relationWords(cf *crm.CallingFor) string {
	if cf.AccountManager {
		return l.T("role." + string(crm.RoleAccountManager))
	}
	role := l.T("role." + string(cf.Employee.Role))
	switch d := cf.InTouchDaysAgo; {
	case d < 0:
		return role
	case d == 0:
		return l.T("rel.today", role)
	case d == 1:
		return l.T("rel.yesterday", role)
	default:
		return l.T("rel.days_ago", role, d)
	}
}

// ago says how many days ago, in words read at a glance: "14 dagen
// geleden", "3 maanden geleden".
func (l Locale) ago(days int) string {
	switch {
	case days <= 0:
		return l.T("why.today")
	case days == 1:
		return l.T("why.yesterday")
	case days < 60:
		return l.T("why.days_ago", days)
	case days < 730 && days/30 == 1:
		return l.T("why.month_ago")
	case days < 730:
		return l.T("why.months_ago", days/30)
	}
	return l.T("why.years_ago", l.Years(days/365))
}

// inDays says when, for a date days from today: "morgen", "over 40 dagen".
func (l Locale) inDays(days int) string {
	switch days {
	case 0:
		return l.T("why.today")
	case 1:
		return l.T("why.tomorrow")
	}
	return l.T("why.in_days", days)
}

// english is the English catalogue: every key must be in it. Each area of
// the console keeps its messages in its own file; they are merged here.
func english() map[string]string {
	return merge(englishConsole(), englishRegister(), englishInsight(), englishPrivacy())
}

// dutch is the Dutch catalogue; a missing key falls back to English.
func dutch() map[string]string {
	return merge(dutchConsole(), dutchRegister(), dutchInsight(), dutchPrivacy())
}

func merge(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}
