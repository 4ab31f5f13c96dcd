package crm

import (
	"strings"
	"time"
)

// Metric is what a goal measures; every metric is computed from the data,
// never typed in.
type Metric string

// Goal metrics. Periods are whole days, first and last included.
const (
	// MetricNewRecurringRevenue is the summed value (euros a year) of leads
	// closed as won in the period.
	MetricNewRecurringRevenue Metric = "new_recurring_revenue"
	// MetricLeadsWon counts leads closed as won in the period.
	MetricLeadsWon Metric = "leads_won"
	// MetricRecognitionRate is the percentage of callers recognised, as
	// DashboardFigures.RecognitionRate: withheld numbers left out.
	MetricRecognitionRate Metric = "recognition_rate"
	// MetricHintsMentioned counts hint occasions said to a caller
	// (mentioned, declined or interested), as HintFunnel.Mentioned.
	MetricHintsMentioned Metric = "hints_mentioned"
	// MetricHintsInterested counts hint occasions where the caller was
	// interested.
	MetricHintsInterested Metric = "hints_interested"
	// MetricCallbacksDone counts callbacks closed in the period.
	MetricCallbacksDone Metric = "callbacks_done"
	// MetricCareCalls counts proactive check-ins logged in the period.
	MetricCareCalls Metric = "care_calls"
)

// GoalMetrics lists every metric in display order.
var GoalMetrics = []Metric{MetricNewRecurringRevenue, MetricLeadsWon, MetricRecognitionRate, MetricHintsMentioned,
	MetricHintsInterested, MetricCallbacksDone, MetricCareCalls}

// ParseMetric reads a metric by its name.
func ParseMetric(field, s string) (Metric, error) {
	k := Metric(strings.NewReplacer(" ", "_", "-", "_").Replace(key(s)))
	for _, m := range GoalMetrics {
		if m == k {
			return m, nil
		}
	}
	names := make([]string, len(GoalMetrics))
	for i, m := range GoalMetrics {
		names[i] = string(m)
	}
	return "", Errorf(CodeInvalid, field, "%q is not a metric (%s)", s, strings.Join(names, ", "))
}

// Label is the metric as a screen names it, with its unit.
func (m Metric) Label() string {
	switch m {
	case MetricNewRecurringRevenue:
		return "New recurring revenue (€ a year)"
	case MetricLeadsWon:
		return "Leads won"
	case MetricRecognitionRate:
		return "Callers recognised (%)"
	case MetricHintsMentioned:
		return "Hints mentioned"
	case MetricHintsInterested:
		return "Callers interested"
	case MetricCallbacksDone:
		return "Callbacks done"
	case MetricCareCalls:
		return "Check-in calls"
	}
	return string(m)
}

// Rate reports whether the metric is a rate over the period rather than a
// count that grows through it.
func (m Metric) Rate() bool { return m == MetricRecognitionRate }

// Goal is a commercial goal for a period.
type Goal struct {
	ID          int64
	Title       string
	Metric      Metric
	Target      float64
	PeriodStart time.Time // first day, a date
	PeriodEnd   time.Time // last day, a date, included
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// GoalInput is a goal as an admin writes it; ID 0 adds a new one.
type GoalInput struct {
	ID          int64
	Title       string
	Metric      Metric
	Target      float64
	PeriodStart time.Time
	PeriodEnd   time.Time
}

// GoalProgress is where a goal stands.
type GoalProgress struct {
	Goal
	Current float64 // the metric over the period so far
	Share   float64 // Current / Target; 1 is reached
	Elapsed float64 // share of the period gone by, 0 to 1
	Active  bool    // the period includes today
	// OnTrack: for a count, the share reached keeps pace with the time
	// gone by (Share >= Elapsed); for a rate, the rate meets the target.
	OnTrack bool
}

// RoleContribution is what a role does for the commercial goals, in the
// words the admins chose, so that every employee can answer "what is my
// part?".
type RoleContribution struct {
	Role      Role
	Text      string
	UpdatedAt time.Time
}
