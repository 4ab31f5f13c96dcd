package ui

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// Commercial insight: "commerce is everyone's job". Every employee sees the
// goals, what their role contributes and their own figures, and works
// through their callbacks and leads; managers keep good clients warm from
// the care list and follow the firm's figures on the dashboard.
//
// Who may do what (admins always pass requireRole):
//   - everyone signed in: /work (their own callbacks and leads only) and
//     /goals (read);
//   - account and service managers: /care and /dashboard;
//   - admins: editing goals and the roles' contributions on /goals.
func (s *Server) registerInsight(g *echo.Group) {
	managers := requireRole(crm.RoleAccountManager, crm.RoleServiceManager)
	admins := requireRole()

	g.GET("/work", s.work)
	g.POST("/work/:id/done", s.workDone)
	g.POST("/work/:id/lead", s.workLead)
	g.GET("/care", s.care, managers)
	g.POST("/care/:org_id", s.careCheckIn, managers)
	g.GET("/goals", s.goals)
	g.POST("/goals", s.createGoal, admins)
	g.POST("/goals/roles", s.saveContributions, admins)
	g.POST("/goals/:id", s.updateGoal, admins)
	g.POST("/goals/:id/delete", s.deleteGoal, admins)
	g.GET("/dashboard", s.dashboard, managers)
}

// today is midnight of the current day in the firm's time zone.
func (s *Server) today() time.Time {
	y, m, d := s.now().In(s.cfg.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.cfg.Location)
}

// Percent is a percentage to one decimal: "87.5%" / "87,5%"; whole numbers
// lose the decimal.
func (l Locale) Percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if l.Lang == langNL {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

// Count is Number for an int, as figures are counted.
func (l Locale) Count(n int) string { return l.Number(int64(n)) }

// formatMetric writes a goal's figure in its unit.
func formatMetric(l Locale, m crm.Metric, v float64) string {
	switch {
	case m == crm.MetricNewRecurringRevenue:
		return l.Money(crm.Money(math.Round(v * 100)))
	case m.Rate():
		return l.Percent(v)
	case v == math.Trunc(v):
		return l.Number(int64(v))
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if l.Lang == langNL {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// goalView is a goal with its figures written out for the page.
type goalView struct {
	crm.GoalProgress
	CurrentText, TargetText string
	Bar                     float64 // Share clamped to 0-1, for <progress>
	Percent                 float64 // Share in percent, unclamped
	ElapsedPercent          float64
	// State is "upcoming", "on_track", "behind", "reached" or "missed".
	State string
}

func goalState(gp crm.GoalProgress) string {
	reached := gp.Share >= 1
	if gp.Metric.Rate() {
		reached = gp.OnTrack
	}
	switch {
	case !gp.Active && gp.Elapsed == 0:
		return "upcoming"
	case !gp.Active && reached:
		return "reached"
	case !gp.Active:
		return "missed"
	case reached && !gp.Metric.Rate():
		return "reached"
	case gp.OnTrack:
		return "on_track"
	}
	return "behind"
}

func goalViews(l Locale, gps []crm.GoalProgress, activeOnly bool) []goalView {
	out := []goalView{}
	for _, gp := range gps {
		if activeOnly && !gp.Active {
			continue
		}
		out = append(out, goalView{GoalProgress: gp, CurrentText: formatMetric(l, gp.Metric, gp.Current),
			TargetText: formatMetric(l, gp.Metric, gp.Target), Bar: math.Max(0, math.Min(1, gp.Share)),
			Percent: math.Round(gp.Share*1000) / 10, ElapsedPercent: math.Round(gp.Elapsed * 100),
			State: goalState(gp)})
	}
	return out
}

// ---------------------------------------------------------------- /work

// workItem is an open callback or lead with its age in whole days.
type workItem struct {
	crm.Interaction
	Age int
}

// workData is "My work": the goals and my part on top, my open work below.
type workData struct {
	Goals        []goalView
	Contribution string // what my role contributes, as the admins wrote it
	HasFigures   bool
	Figures      crm.EmployeeFigures
	MonthStart   time.Time
	Items        []workItem
	Done         string // "done", "won" or "lost" after closing an item
	// A failed close, shown at its item with what was typed.
	ErrorFor            int64
	Error, Note, Value  string
	NoEmployee, IsAdmin bool
}

func (s *Server) work(c echo.Context) error {
	d := &workData{}
	switch done := c.QueryParam("done"); done {
	case "done", crm.LeadWon, crm.LeadLost:
		d.Done = done
	}
	return s.workPage(c, http.StatusOK, d)
}

func (s *Server) workPage(c echo.Context, status int, d *workData) error {
	ctx := c.Request().Context()
	me := sessionOf(c).User
	l := s.locale(c)
	gps, err := s.cfg.Store.GoalProgress(ctx, s.now().In(s.cfg.Location))
	if err != nil {
		return err
	}
	d.Goals = goalViews(l, gps, true)
	d.IsAdmin = me.Role == crm.RoleAdmin
	rcs, err := s.cfg.Store.RoleContributions(ctx)
	if err != nil {
		return err
	}
	for _, rc := range rcs {
		if rc.Role == me.Role {
			d.Contribution = rc.Text
		}
	}
	if me.EmployeeID == 0 {
		d.NoEmployee = true
		return s.render(c, status, "work", d)
	}
	today := s.today()
	d.MonthStart = today.AddDate(0, 0, 1-today.Day())
	d.Figures, err = s.cfg.Store.MyFigures(ctx, me.EmployeeID, d.MonthStart, today)
	switch {
	case crm.ErrorCode(err) == crm.CodeNotFound:
		// The employee left the staff list; the sign-in still works.
		d.NoEmployee = true
		return s.render(c, status, "work", d)
	case err != nil:
		return err
	}
	d.HasFigures = true
	open, err := s.cfg.Store.OpenWork(ctx, me.EmployeeID)
	if err != nil {
		return err
	}
	now := s.now()
	for _, in := range open {
		in.OccurredAt = in.OccurredAt.In(s.cfg.Location)
		age := 0
		if now.After(in.OccurredAt) {
			age = int(now.Sub(in.OccurredAt).Hours() / 24)
		}
		d.Items = append(d.Items, workItem{Interaction: in, Age: age})
	}
	return s.render(c, status, "work", d)
}

// myOpenItem finds an open callback or lead of the signed-in user's: one
// can close only one's own work here. Anything else, including an item
// closed already, is not found.
func (s *Server) myOpenItem(c echo.Context) (crm.Interaction, error) {
	id, err := pathID(c, "callback or lead")
	if err != nil {
		return crm.Interaction{}, err
	}
	me := sessionOf(c).User
	if me.EmployeeID != 0 {
		open, err := s.cfg.Store.OpenWork(c.Request().Context(), me.EmployeeID)
		if err != nil {
			return crm.Interaction{}, err
		}
		for _, in := range open {
			if in.ID == id {
				return in, nil
			}
		}
	}
	return crm.Interaction{}, crm.Errorf(crm.CodeNotFound, "interaction",
		"this is not one of your open callbacks or leads; it may be done already")
}

// workDone marks a callback or lead done in one click, with an optional note.
func (s *Server) workDone(c echo.Context) error {
	item, err := s.myOpenItem(c)
	if err != nil {
		return err
	}
	note := c.FormValue("note")
	err = s.cfg.Store.CompleteWork(c.Request().Context(), item.ID, sessionOf(c).User.EmployeeID, note)
	if err != nil {
		return s.workFailed(c, err, &workData{ErrorFor: item.ID, Note: note})
	}
	return c.Redirect(http.StatusSeeOther, "/work?done=done")
}

// workLead closes a lead as won, with its annual value, or as lost.
func (s *Server) workLead(c echo.Context) error {
	item, err := s.myOpenItem(c)
	if err != nil {
		return err
	}
	if item.Kind != crm.KindLead {
		return crm.Errorf(crm.CodeInvalid, "interaction", "only a lead is won or lost; mark a callback done")
	}
	note, value := c.FormValue("note"), strings.TrimSpace(c.FormValue("value"))
	d := &workData{ErrorFor: item.ID, Note: note, Value: value}
	var won bool
	switch outcome := c.FormValue("outcome"); outcome {
	case crm.LeadWon:
		won = true
	case crm.LeadLost:
	default:
		return s.workFailed(c, crm.Errorf(crm.CodeInvalid, "outcome", "choose won or lost"), d)
	}
	var amount crm.Money
	if won {
		if amount, err = crm.ParseMoney("value", value); err != nil {
			return s.workFailed(c, err, d)
		}
	}
	if err := s.cfg.Store.CloseLead(c.Request().Context(), item.ID, sessionOf(c).User.EmployeeID, won, amount, note); err != nil {
		return s.workFailed(c, err, d)
	}
	if won {
		return c.Redirect(http.StatusSeeOther, "/work?done=won")
	}
	return c.Redirect(http.StatusSeeOther, "/work?done=lost")
}

// workFailed shows an error the user can fix at the item it belongs to.
func (s *Server) workFailed(c echo.Context, err error, d *workData) error {
	if _, ok := formErrors(err); !ok {
		return err
	}
	d.Error = crm.ErrorMessage(err)
	return s.workPage(c, s.cfg.StatusOf(err), d)
}

// ---------------------------------------------------------------- /care

// careDays are the choices of the care list's period.
var careDays = []int{30, 60, 90, 180, 365}

// careLimit is how many clients the care list shows.
const careLimit = 50

// careData is the care list.
type careData struct {
	Days     int
	Choices  []int
	Items    []crm.CareItem
	Done     string // the outcome just logged
	DoneOrg  string // with whom
	ErrorFor int64
	Error    string
	// ErrorAtRow: the client the error is about is on the list; else the
	// error shows above it.
	ErrorAtRow bool
}

func (s *Server) care(c echo.Context) error {
	days, err := careDaysParam(c.QueryParam("days"))
	if err != nil {
		return err
	}
	d := &careData{Days: days}
	if done := c.QueryParam("done"); done != "" {
		if o, err := crm.ParseCareOutcome("done", done); err == nil {
			d.Done = string(o)
			if id, err := strconv.ParseInt(c.QueryParam("org"), 10, 64); err == nil && id > 0 {
				if org, err := s.cfg.Store.Organisation(c.Request().Context(), id); err == nil {
					d.DoneOrg = org.Name
				}
			}
		}
	}
	return s.carePage(c, http.StatusOK, d)
}

// careDaysParam reads ?days=; empty is 90.
func careDaysParam(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 90, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 3650 {
		return 0, crm.Errorf(crm.CodeInvalid, "days", "days must be a whole number from 1 to 3650")
	}
	return n, nil
}

func (s *Server) carePage(c echo.Context, status int, d *careData) error {
	items, err := s.cfg.Store.CareList(c.Request().Context(), crm.CareOptions{Days: d.Days, Limit: careLimit})
	if err != nil {
		return err
	}
	for i := range items {
		items[i].LastContact = items[i].LastContact.In(s.cfg.Location)
	}
	d.Items = items
	for _, it := range items {
		d.ErrorAtRow = d.ErrorAtRow || it.OrganisationID == d.ErrorFor
	}
	d.Choices = careDays
	found := false
	for _, n := range careDays {
		found = found || n == d.Days
	}
	if !found {
		d.Choices = append([]int{d.Days}, careDays...)
	}
	return s.render(c, status, "care", d)
}

// careCheckIn logs a proactive check-in ("checked_in": all fine; "call_now":
// a callback to make) in the client's history, then goes back to the list.
func (s *Server) careCheckIn(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("org_id"), 10, 64)
	if err != nil || id <= 0 {
		return crm.Errorf(crm.CodeNotFound, "organisation", "no such organisation")
	}
	days, err := careDaysParam(c.FormValue("days"))
	if err != nil {
		return err
	}
	outcome := c.FormValue("outcome")
	_, err = s.cfg.Store.RecordCare(c.Request().Context(), id, sessionOf(c).User.EmployeeID, outcome, c.FormValue("note"))
	if err != nil {
		if _, ok := formErrors(err); !ok {
			return err
		}
		return s.carePage(c, s.cfg.StatusOf(err), &careData{Days: days, ErrorFor: id, Error: crm.ErrorMessage(err)})
	}
	q := url.Values{"days": {strconv.Itoa(days)}, "done": {outcome}, "org": {formatID(id)}}
	return c.Redirect(http.StatusSeeOther, "/care?"+q.Encode())
}

// ---------------------------------------------------------------- /goals

// goalForm is the goal form as typed.
type goalForm struct{ Title, Metric, Target, PeriodStart, PeriodEnd string }

var goalFields = []string{"title", "metric", "target", "period_start", "period_end"}

func readGoalForm(c echo.Context) goalForm {
	return goalForm{Title: c.FormValue("title"), Metric: c.FormValue("metric"), Target: strings.TrimSpace(c.FormValue("target")),
		PeriodStart: c.FormValue("period_start"), PeriodEnd: c.FormValue("period_end")}
}

func goalFormOf(g crm.Goal) goalForm {
	return goalForm{Title: g.Title, Metric: string(g.Metric), Target: strconv.FormatFloat(g.Target, 'f', -1, 64),
		PeriodStart: g.PeriodStart.Format(crm.DateLayout), PeriodEnd: g.PeriodEnd.Format(crm.DateLayout)}
}

func (f goalForm) input(id int64) (crm.GoalInput, error) {
	metric, err := crm.ParseMetric("metric", f.Metric)
	if err != nil {
		return crm.GoalInput{}, err
	}
	if f.Target == "" {
		return crm.GoalInput{}, crm.Errorf(crm.CodeInvalid, "target", "a goal needs a target")
	}
	// Targets are written as amounts are: 12500, 12.500 or 87,5.
	cents, err := crm.ParseMoney("target", f.Target)
	if err != nil {
		return crm.GoalInput{}, crm.Errorf(crm.CodeInvalid, "target", "%q is not a number", f.Target)
	}
	start, err := crm.ParseDate("period_start", f.PeriodStart)
	if err != nil {
		return crm.GoalInput{}, err
	}
	end, err := crm.ParseDate("period_end", f.PeriodEnd)
	if err != nil {
		return crm.GoalInput{}, err
	}
	return crm.GoalInput{ID: id, Title: f.Title, Metric: metric, Target: float64(cents) / 100,
		PeriodStart: start, PeriodEnd: end}, nil
}

// contributionView is one role's part, as shown and as edited.
type contributionView struct {
	Role crm.Role
	Text string
}

// goalsData is the goals page.
type goalsData struct {
	Goals         []goalView
	Contributions []contributionView // every role, with or without text
	IsAdmin       bool
	Metrics       []crm.Metric
	Editing       *crm.Goal // the goal in the form; nil when adding
	Form          goalForm
	Errors        fieldErrors
	RoleErrors    fieldErrors // by "text_<role>"
	Done          string      // "saved", "deleted" or "roles"
}

func (s *Server) goals(c echo.Context) error {
	today := s.today()
	d := &goalsData{Form: goalForm{Metric: string(crm.MetricNewRecurringRevenue),
		PeriodStart: today.AddDate(0, 0, 1-today.Day()).Format(crm.DateLayout),
		PeriodEnd:   today.AddDate(0, 1, -today.Day()).Format(crm.DateLayout)}}
	switch done := c.QueryParam("done"); done {
	case "saved", "deleted", "roles":
		d.Done = done
	}
	if v := c.QueryParam("edit"); v != "" && sessionOf(c).User.Role == crm.RoleAdmin {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return crm.Errorf(crm.CodeNotFound, "goal", "no such goal")
		}
		g, err := s.goalByID(c, id)
		if err != nil {
			return err
		}
		d.Editing, d.Form = &g, goalFormOf(g)
	}
	return s.goalsPage(c, http.StatusOK, d)
}

func (s *Server) goalByID(c echo.Context, id int64) (crm.Goal, error) {
	goals, err := s.cfg.Store.Goals(c.Request().Context())
	if err != nil {
		return crm.Goal{}, err
	}
	for _, g := range goals {
		if g.ID == id {
			return g, nil
		}
	}
	return crm.Goal{}, crm.Errorf(crm.CodeNotFound, "goal", "no goal with id %d", id)
}

func (s *Server) goalsPage(c echo.Context, status int, d *goalsData) error {
	ctx := c.Request().Context()
	gps, err := s.cfg.Store.GoalProgress(ctx, s.now().In(s.cfg.Location))
	if err != nil {
		return err
	}
	d.Goals = goalViews(s.locale(c), gps, false)
	d.IsAdmin = sessionOf(c).User.Role == crm.RoleAdmin
	d.Metrics = crm.GoalMetrics
	rcs, err := s.cfg.Store.RoleContributions(ctx)
	if err != nil {
		return err
	}
	texts := map[crm.Role]string{}
	for _, rc := range rcs {
		texts[rc.Role] = rc.Text
	}
	if d.Contributions == nil {
		for _, r := range crm.Roles {
			d.Contributions = append(d.Contributions, contributionView{Role: r, Text: texts[r]})
		}
	}
	return s.render(c, status, "goals", d)
}

func (s *Server) createGoal(c echo.Context) error {
	d := &goalsData{Form: readGoalForm(c)}
	in, err := d.Form.input(0)
	if err == nil {
		if _, err = s.cfg.Store.SaveGoal(c.Request().Context(), in); err == nil {
			return c.Redirect(http.StatusSeeOther, "/goals?done=saved")
		}
	}
	return s.goalFailed(c, err, d)
}

func (s *Server) updateGoal(c echo.Context) error {
	id, err := pathID(c, "goal")
	if err != nil {
		return err
	}
	g, err := s.goalByID(c, id)
	if err != nil {
		return err
	}
	d := &goalsData{Editing: &g, Form: readGoalForm(c)}
	in, err := d.Form.input(id)
	if err == nil {
		if _, err = s.cfg.Store.SaveGoal(c.Request().Context(), in); err == nil {
			return c.Redirect(http.StatusSeeOther, "/goals?done=saved")
		}
	}
	return s.goalFailed(c, err, d)
}

func (s *Server) goalFailed(c echo.Context, err error, d *goalsData) error {
	fe, ok := formErrors(err, goalFields...)
	if !ok {
		return err
	}
	d.Errors = fe
	return s.goalsPage(c, s.cfg.StatusOf(err), d)
}

func (s *Server) deleteGoal(c echo.Context) error {
	id, err := pathID(c, "goal")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteGoal(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/goals?done=deleted")
}

// saveContributions saves every role's text from one form; an empty text
// removes a role's. Each role saves on its own: after an error the roles
// before it are saved, and the form shows what was typed.
func (s *Server) saveContributions(c echo.Context) error {
	d := &goalsData{}
	for _, r := range crm.Roles {
		d.Contributions = append(d.Contributions, contributionView{Role: r, Text: c.FormValue("text_" + string(r))})
	}
	for _, cv := range d.Contributions {
		if err := s.cfg.Store.SaveRoleContribution(c.Request().Context(), cv.Role, cv.Text); err != nil {
			if _, ok := formErrors(err); !ok {
				return err
			}
			d.RoleErrors = fieldErrors{"text_" + string(cv.Role): crm.ErrorMessage(err)}
			return s.goalsPage(c, s.cfg.StatusOf(err), d)
		}
	}
	return c.Redirect(http.StatusSeeOther, "/goals?done=roles")
}

// ---------------------------------------------------------------- /dashboard

// dashboardPeriods are the dashboard's periods, each through today.
var dashboardPeriods = []string{"month", "30d", "year"}

// dashboardPeriod is the first day of a period that ends today.
func dashboardPeriod(key string, today time.Time) (time.Time, error) {
	switch key {
	case "", "month":
		return today.AddDate(0, 0, 1-today.Day()), nil
	case "30d":
		return today.AddDate(0, 0, -29), nil
	case "year":
		return time.Date(today.Year(), 1, 1, 0, 0, 0, 0, today.Location()), nil
	}
	return time.Time{}, crm.Errorf(crm.CodeInvalid, "period", "%q is not a period (month, 30d, year)", key)
}

// dashboardData is the dashboard.
type dashboardData struct {
	Period  string
	Periods []string
	F       crm.DashboardFigures
	Calls   barChart
	Gauge   gauge
	Funnel  funnelChart
	// Identifiable callers: recognised or unknown, the rate's denominator.
	Identifiable int
}

func (s *Server) dashboard(c echo.Context) error {
	period := c.QueryParam("period")
	today := s.today()
	from, err := dashboardPeriod(period, today)
	if err != nil {
		return err
	}
	if period == "" {
		period = "month"
	}
	f, err := s.cfg.Store.Dashboard(c.Request().Context(), from, today)
	if err != nil {
		return err
	}
	l := s.locale(c)
	d := dashboardData{Period: period, Periods: dashboardPeriods, F: f, Gauge: gaugeOf(f.RecognitionRate),
		Identifiable: f.Recognised + f.Unknown}
	d.Calls = barChartOf(callBars(l, f.CallsPerDay))
	d.Funnel = funnelOf([]string{"shown", "mentioned", "interested", "won"},
		[]int{f.Funnel.Shown, f.Funnel.Mentioned, f.Funnel.Interested, f.Funnel.Won})
	return s.render(c, http.StatusOK, "dashboard", d)
}

// callBars labels each day; the axis names a day every week for a month or
// so, and the first of each month for longer periods.
func callBars(l Locale, days []crm.DayCount) []barDatum {
	out := make([]barDatum, len(days))
	for i, d := range days {
		out[i] = barDatum{Value: d.Calls, Label: l.Date(d.Date)}
		switch {
		case len(days) <= 62 && i%7 == 0:
			out[i].Tick = strconv.Itoa(d.Date.Day()) + " " + monthAbbr(l, d.Date.Month())
		case len(days) > 62 && d.Date.Day() == 1:
			out[i].Tick = monthAbbr(l, d.Date.Month())
		}
	}
	return out
}

func monthAbbr(l Locale, m time.Month) string {
	if l.Lang == langNL {
		return [...]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}[m-1]
	}
	return m.String()[:3]
}
