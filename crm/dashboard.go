package crm

import "time"

// DashboardFigures is how the firm did commercially over a period. Periods
// are whole calendar days: from's date through to's date, both included,
// in from's location.
type DashboardFigures struct {
	From, To time.Time // midnight of the first and the last day

	CallsPerDay []DayCount // every day of the period in order, days without calls included

	// Calls by recognition outcome, by the time each call was first seen.
	// Recognised is contact, organisation, employee, number range or
	// ambiguous; calls whose record has no caller number yet count in Calls
	// only.
	Calls, Recognised, Unknown, Withheld int
	// RecognitionRate is Recognised / (Recognised + Unknown) in percent:
	// withheld callers can't be recognised by anyone, so they are left out
	// of the denominator. 0 when there were no such calls.
	RecognitionRate float64

	Funnel HintFunnel

	// Leads closed as won in the period, whatever their origin, and the sum
	// of their values: new recurring revenue.
	LeadsWon    int
	LeadRevenue Money

	CallbacksDone int // callbacks closed in the period
	CareCalls     int // proactive check-ins logged in the period

	Employees []EmployeeFigures // everyone who contributed (a figure above zero), by name
}

// DayCount is the number of calls first seen on one day.
type DayCount struct {
	Date  time.Time // midnight, in the period's location
	Calls int
}

// HintFunnel follows hints from screen to signature. A hint occasion is
// one service hinted to one organisation in one call (a hint recorded
// without a call is its own occasion), at its furthest stage: a "shown"
// followed by "mentioned" in the same call is one occasion, mentioned.
type HintFunnel struct {
	Shown      int // occasions: every hint recorded in the period
	Mentioned  int // of which said to the caller: mentioned, declined or interested
	Declined   int // of which declined
	Interested int // of which interested: each opened (or joined) a lead
	// Leads that began with a hint and were closed as won in the period,
	// and their value.
	Won      int
	WonValue Money
}

// EmployeeFigures is one employee's part in the commercial goals over a
// period.
type EmployeeFigures struct {
	EmployeeID int64
	Name       string
	Role       Role

	HintsMentioned  int // hint occasions they mentioned (mentioned, declined or interested)
	HintsInterested int // of which the caller was interested
	// Won leads that began with their hint, and their value: what their
	// words at the phone brought in.
	HintLeadsWon  int
	HintLeadValue Money
	// Leads they closed as won (or, for leads closed before callcard kept
	// who closed them, were assigned), and their value.
	LeadsWon  int
	LeadValue Money

	CallbacksDone int // callbacks they closed (or were assigned, as above)
	CareCalls     int // proactive check-ins they logged
}
