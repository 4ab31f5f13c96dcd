package crm

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// demoActivityDays is how far back the demo's calls and hint outcomes go:
// a month, so that the dashboard, the goals and "my work" have figures.
const demoActivityDays = 30

// demoCall is a call the switchboard took in the last weeks, by reference
// into the plan.
type demoCall struct {
	at           time.Time
	match        Match
	org, contact int // indexes; -1 none
	employee     int // the employee calling (MatchEmployee); -1 none
	callingFor   int // employee whose mobile forwarded the call; -1 none
	unknown      string
	missed       bool
	taker        int // receptionist who took it; -1 none
}

// activity adds the last month's traffic to the plan: calls at reception,
// with the mix of callers a switchboard gets, and hints shown and mentioned
// to callers, of which some became leads, won or lost. The story's client
// and the Klimboom are left out: their cards are what the README shows.
func (g *demoGen) activity(p *demoPlan) {
	r := g.rng
	pick := func(xs []int) int { return xs[r.IntN(len(xs))] }
	var callers, switchboards, hinted []int
	for i, o := range p.orgs {
		if i < 2 || o.in.Status == StatusFormer {
			continue
		}
		if len(o.contacts) > 0 {
			callers = append(callers, i)
		}
		if len(o.in.Numbers) > 0 {
			switchboards = append(switchboards, i)
		}
		if o.in.Status == StatusActive && o.am >= 0 && o.hintService() != "" {
			hinted = append(hinted, i)
		}
	}
	// A contact whose first number is theirs alone: the line two
	// contacts share is recognised as either of them.
	withNumber := func(o *demoOrg) int {
		var cs []int
		for c := range o.contacts {
			if ns := o.contacts[c].Numbers; len(ns) > 0 && !strings.HasSuffix(digitsOf(ns[0].Raw), sharedLine) {
				cs = append(cs, c)
			}
		}
		if len(cs) == 0 {
			return -1
		}
		return pick(cs)
	}
	for daysAgo := demoActivityDays; daysAgo >= 1; daysAgo-- {
		day := g.today.AddDate(0, 0, -daysAgo)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n := 16 + r.IntN(16)
		times := make([]time.Time, n)
		for i := range times {
			times[i] = day.Add(8*time.Hour + 30*time.Minute + time.Duration(r.IntN(9*3600))*time.Second)
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		for _, at := range times {
			c := demoCall{at: at, org: -1, contact: -1, employee: -1, callingFor: -1, taker: pick(g.receptionists)}
			switch x := r.IntN(100); {
			case x < 66: // a contact, one in six through their account manager's mobile
				c.match, c.org = MatchContact, pick(callers)
				if c.contact = withNumber(p.orgs[c.org]); c.contact < 0 {
					c.match, c.org = MatchUnknown, -1
				} else if x >= 56 && p.orgs[c.org].am >= 0 {
					c.callingFor = p.orgs[c.org].am
				}
			case x < 80:
				c.match, c.org = MatchOrganisation, pick(switchboards)
			case x < 83:
				c.match, c.employee = MatchEmployee, r.IntN(len(p.employees))
			case x < 95:
				c.match = MatchUnknown
			default:
				c.match = MatchWithheld
			}
			if c.match == MatchUnknown {
				c.unknown = g.unknownCaller()
			}
			if r.IntN(100) < 9 {
				c.missed, c.taker = true, -1
			}
			p.calls = append(p.calls, c)
		}
		// Hints at reception that day: shown on the card, said or not.
		for range 3 + r.IntN(4) {
			o := p.orgs[pick(hinted)]
			g.hintOutcome(o, day.Add(8*time.Hour+30*time.Minute+time.Duration(r.IntN(9*3600))*time.Second), pick(g.receptionists))
		}
	}
}

// digitsOf keeps the digits of s.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// unknownCaller is a mobile number that is in no part of the register.
func (g *demoGen) unknownCaller() string { return "+31" + g.mobile() }

// hintOutcome adds one occasion of o's best hint, shown by receptionist at
// at: most are only shown, some said, and of those some callers are
// interested, which makes a lead for the account manager that may since
// have been won or lost.
func (g *demoGen) hintOutcome(o *demoOrg, at time.Time, receptionist int) {
	r := g.rng
	code := o.hintService()
	name := demoServiceNames[code]
	c := r.IntN(len(o.contacts))
	first := strings.Fields(o.contacts[c].Name)[0]
	outcome := HintShown
	switch x := r.IntN(100); {
	case x < 30:
		outcome = HintMentioned
	case x < 42:
		outcome = HintDeclined
	case x < 60:
		outcome = HintInterested
	}
	o.events = append(o.events, demoEvent{
		in:      InteractionInput{Kind: KindHint, OccurredAt: at, Status: string(outcome), Summary: g.words.hintSummary(outcome, name) + "."},
		contact: c, author: receptionist, assignee: -1, service: code,
	})
	if outcome != HintInterested {
		return
	}
	lead := demoEvent{
		in: InteractionInput{Kind: KindLead, OccurredAt: at.Add(2 * time.Minute), Status: InteractionOpen,
			Summary: first + " is interested in " + name + "; please send information and call."},
		contact: c, author: receptionist, assignee: o.am, service: code, origin: len(o.events),
	}
	if done := at.Add(time.Duration(2+r.IntN(9)) * 24 * time.Hour); done.Before(g.now) {
		switch x := r.IntN(100); {
		case x < 45:
			value := Money(1200+600*r.IntN(14)) * 100
			lead.in.Status, lead.doneAt, lead.doneBy, lead.outcome, lead.value = InteractionDone, done, o.am, "won", value
			lead.doneNote = "Signed: " + name + ", " + strconv.FormatInt(int64(value/100), 10) + " euros a year."
		case x < 60:
			lead.in.Status, lead.doneAt, lead.doneBy, lead.outcome = InteractionDone, done, o.am, "lost"
			lead.doneNote = "Not now: they chose to wait until next year."
		}
	}
	o.events = append(o.events, lead)
}

// demoGoals are the firm's goals for this month and this quarter.
func demoGoals(today time.Time) []GoalInput {
	y, m, _ := today.Date()
	monthStart := time.Date(y, m, 1, 0, 0, 0, 0, today.Location())
	monthEnd := monthStart.AddDate(0, 1, -1)
	quarterStart := time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, today.Location())
	quarterEnd := quarterStart.AddDate(0, 3, -1)
	return []GoalInput{
		{Title: "Recognise 90% of callers by name", Metric: MetricRecognitionRate, Target: 90, PeriodStart: monthStart, PeriodEnd: monthEnd},
		{Title: "Mention a fitting service to 80 callers this month", Metric: MetricHintsMentioned, Target: 80, PeriodStart: monthStart, PeriodEnd: monthEnd},
		{Title: "€25,000 a year in new services this quarter", Metric: MetricNewRecurringRevenue, Target: 25000, PeriodStart: quarterStart, PeriodEnd: quarterEnd},
	}
}

// demoContributions says what each role adds to the goals.
var demoContributions = []RoleContribution{
	{Role: RoleReceptionist, Text: "You speak to more clients than anyone. Greet them by name, mention the one service that fits, and pass real interest on as a lead."},
	{Role: RoleAccountManager, Text: "Call interested callers back within a day, and close every lead: won, with what it brings a year, or lost."},
	{Role: RoleServiceManager, Text: "Call good clients before they call us: work through the care list every week."},
	{Role: RoleEngineer, Text: "When a client mentions a problem another service solves, note it on their card, so reception and sales can mention it."},
}

// writeDemoActivity writes the plan's calls, goals and role contributions
// inside tx.
func (s *Store) writeDemoActivity(ctx context.Context, tx *txn, p *demoPlan, sum *DemoSummary) error {
	now := s.now().UnixMilli()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO calls (source, external_id, status, from_raw, from_e164, from_national,
		forwarded_raw, forwarded_e164, match, contact_id, organisation_id, employee_id, calling_for_id, taken_by_id,
		ringing_at, answered_at, ended_at, missed, handled_at, created_at, updated_at)
		VALUES ('demo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return internal(err, "saving calls")
	}
	defer ins.Close()
	emp := func(i int) any {
		if i < 0 {
			return nil
		}
		return p.employeeIDs[i]
	}
	for i, c := range p.calls {
		var from PhoneNumber
		var contactID, orgID int64
		switch {
		case c.contact >= 0:
			o := p.orgs[c.org]
			from, contactID, orgID = o.contactNumbers[c.contact][0], o.contactIDs[c.contact], o.id
		case c.org >= 0:
			from, orgID = p.orgs[c.org].numbers[0], p.orgs[c.org].id
		case c.employee >= 0:
			from = p.employeeNum[c.employee][0]
		case c.unknown != "":
			from = PhoneNumber{E164: c.unknown, Raw: c.unknown}
		}
		national := ""
		if from.E164 != "" {
			n, err := s.phone.Normalise(from.E164)
			if err != nil {
				return internal(err, "saving calls")
			}
			national = n.National
		}
		var fwdRaw, fwdE164 string
		if c.callingFor >= 0 {
			fwdRaw, fwdE164 = p.employeeNum[c.callingFor][0].Raw, p.employeeNum[c.callingFor][0].E164
		}
		ring := c.at.UnixMilli()
		status, answered, ended, handled := CallEnded, any(ring+int64(4000+i%20*1000)), ring+int64(60_000+i%7*45_000), any(nil)
		if c.missed {
			status, answered, ended = CallMissed, nil, ring+30_000
		} else {
			handled = ended + 90_000
		}
		// A recognised call's history entry is read from the call
		// (Interactions), as for a call that rings.
		if _, err := ins.ExecContext(ctx, "demo-"+strconv.Itoa(i+1), status, from.Raw, from.E164, national,
			fwdRaw, fwdE164, c.match, nullID(contactID), nullID(orgID), emp(c.employee), emp(c.callingFor), emp(c.taker),
			ring, answered, ended, c.missed, handled, ring, ended); err != nil {
			return internal(err, "saving calls")
		}
		sum.Calls++
	}
	for _, gl := range demoGoals(p.today) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO goals (title, metric, target, period_start, period_end, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, gl.Title, gl.Metric, gl.Target, formatDate(gl.PeriodStart), formatDate(gl.PeriodEnd), now, now); err != nil {
			return internal(err, "saving goals")
		}
	}
	for _, rc := range demoContributions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO role_contributions (role, text, updated_at) VALUES (?, ?, ?)`,
			rc.Role, rc.Text, now); err != nil {
			return internal(err, "saving role contributions")
		}
	}
	return nil
}
