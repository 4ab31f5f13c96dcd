package crm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// DemoFirm is the name of the ICT services firm the demo register belongs to.
const DemoFirm = "Noordhaven ICT"

// DemoOptions tunes LoadDemo.
type DemoOptions struct {
	// Seed picks the generated register; the same seed gives the same
	// register. 0 means 1.
	Seed uint64
	// Now anchors every date ("client for 7 years", "renews in 40 days");
	// zero means the store's clock.
	Now time.Time
}

// DemoSummary says what LoadDemo wrote and which numbers to try.
type DemoSummary struct {
	Seed          uint64
	Now           time.Time
	Employees     int
	Organisations int
	Contacts      int
	Numbers       int // stored phone numbers of contacts, organisations and employees
	Ranges        int // registered direct-dial blocks
	Services      int
	Subscriptions int
	Interactions  int
	Calls         int // calls at reception over the last month
	Story         DemoStory
	// Examples are numbers to try, one or more per recognition outcome.
	Examples []DemoExample
	Took     time.Duration // how long generating and writing took
}

// DemoStory is the case callcard exists for: a client of many years who
// rings his account manager's mobile and lands at reception.
type DemoStory struct {
	ContactID          int64
	ContactName        string // "Martijn de Vries"
	JobTitle           string
	ContactNumber      string // his mobile, as a telephone system sends it
	OrganisationID     int64
	OrganisationName   string
	ClientSince        time.Time
	Years              int // whole years a client at Now
	AnnualValue        Money
	Services           []string // service codes held: only "hosting"
	RenewalDate        time.Time
	AccountManagerID   int64
	AccountManagerName string
	AccountManagerRaw  string // her mobile, registered as an employee number
}

// DemoExample is a number to try and what recognising it should give.
type DemoExample struct {
	Raw    string // as a telephone system might send it
	Match  Match
	Expect string // the name(s) the card should show
	Note   string // why this number gives this outcome
}

// demoSeedStream is the second word of the PCG state; fixed so that a seed
// alone decides the register.
const demoSeedStream = 0x6e6f6f7264686176 // "noordhav"

// LoadDemo fills an empty register with a believable client base of a Dutch
// ICT services firm, deterministic from opt.Seed and dated relative to
// opt.Now. It refuses (CodeConflict) when any organisation or employee is
// already stored. Everything is written in one transaction: all or nothing.
func (s *Store) LoadDemo(ctx context.Context, opt DemoOptions) (DemoSummary, error) {
	start := time.Now()
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Now.IsZero() {
		opt.Now = s.now()
	}
	plan := newDemoGen(opt.Seed, opt.Now, s.words).build()
	if err := s.prepareDemo(plan); err != nil {
		return DemoSummary{}, err
	}
	sum := DemoSummary{Seed: opt.Seed, Now: opt.Now}
	err := s.inTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM organisations) + (SELECT count(*) FROM employees)`).Scan(&n); err != nil {
			return internal(err, "checking the register is empty")
		}
		if n > 0 {
			return Errorf(CodeConflict, "", "the register is not empty")
		}
		return s.writeDemo(ctx, tx, plan, &sum)
	})
	if err != nil {
		return DemoSummary{}, err
	}
	sum.Story, sum.Examples = plan.story, plan.examples
	sum.Story.ContactID = plan.orgs[plan.storyOrg].contactIDs[plan.storyContact]
	sum.Story.OrganisationID = plan.orgs[plan.storyOrg].id
	sum.Story.AccountManagerID = plan.employeeIDs[plan.storyAM]
	sum.Took = time.Since(start)
	return sum, nil
}

// The plan: everything to write, with references by index, so that it can
// be generated and checked before the transaction starts.

type demoPlan struct {
	employees   []EmployeeInput
	employeeNum [][]PhoneNumber
	employeeIDs []int64
	services    []ServiceInput
	orgs        []*demoOrg

	calls []demoCall
	today time.Time

	story        DemoStory
	storyOrg     int // index in orgs
	storyContact int // index in that organisation's contacts
	storyAM      int // index in employees
	examples     []DemoExample
}

type demoOrg struct {
	in       OrganisationInput
	am       int // employee index; -1 none
	contacts []ContactInput
	subs     []SubscriptionInput
	events   []demoEvent

	area  demoArea
	block string // subscriber digits of its hundred-number block, before the last two

	numbers        []PhoneNumber
	ranges         []NumberRange
	contactNumbers [][]PhoneNumber
	id             int64
	contactIDs     []int64
}

type demoEvent struct {
	in       InteractionInput
	contact  int // index in the organisation's contacts; -1 none
	author   int // employee index; -1 none
	assignee int // employee index; -1 none
	service  string
	doneAt   time.Time
	doneNote string
	// A lead: the hint it came from, as 1 + its index in the
	// organisation's events (0: none), and how it was closed.
	origin  int
	doneBy  int // employee index; used when outcome is set
	outcome string
	value   Money
}

// prepareDemo validates and normalises the plan as the public methods would,
// so that the transaction only writes.
func (s *Store) prepareDemo(p *demoPlan) error {
	p.employeeNum = make([][]PhoneNumber, len(p.employees))
	for i := range p.employees {
		if err := p.employees[i].validate(); err != nil {
			return err
		}
		nums, err := s.normaliseAll("phone", p.employees[i].Numbers, LabelMobile)
		if err != nil {
			return err
		}
		p.employeeNum[i] = nums
	}
	for i := range p.services {
		if err := p.services[i].validate(); err != nil {
			return err
		}
	}
	for _, o := range p.orgs {
		if err := o.in.validate(); err != nil {
			return err
		}
		var err error
		if o.numbers, err = s.normaliseAll("phone", o.in.Numbers, LabelSwitchboard); err != nil {
			return err
		}
		if o.ranges, err = s.normaliseRanges(o.in.Ranges); err != nil {
			return err
		}
		o.contactNumbers = make([][]PhoneNumber, len(o.contacts))
		for i := range o.contacts {
			if err := o.contacts[i].validate(); err != nil {
				return err
			}
			if o.contactNumbers[i], err = s.normaliseAll("phone", o.contacts[i].Numbers, ""); err != nil {
				return err
			}
		}
		for i := range o.events {
			// Ids are known only once written; stand-ins let validate check
			// that callbacks and leads have someone to act on them.
			ev := &o.events[i]
			in := ev.in
			in.OrganisationID = 1
			if ev.assignee >= 0 {
				in.AssigneeID = 1
			}
			if err := in.validate(); err != nil {
				return err
			}
			ev.in.Status, ev.in.Summary = in.Status, in.Summary
		}
	}
	return nil
}

// writeDemo writes a prepared plan inside tx, counting what it writes.
func (s *Store) writeDemo(ctx context.Context, tx *txn, p *demoPlan, sum *DemoSummary) error {
	now := s.now().UnixMilli()
	p.employeeIDs = make([]int64, len(p.employees))
	for i, in := range p.employees {
		id, err := upsertEmployee(ctx, tx, in, now)
		if err != nil {
			return err
		}
		if err := addNumbers(ctx, tx, "employee_id", id, p.employeeNum[i]); err != nil {
			return err
		}
		p.employeeIDs[i] = id
		sum.Employees++
		sum.Numbers += len(p.employeeNum[i])
	}
	serviceIDs, err := saveDemoServices(ctx, tx, p.services)
	if err != nil {
		return err
	}
	sum.Services = len(p.services)

	insOrg, err := tx.PrepareContext(ctx, `INSERT INTO organisations
		(name, name_key, status, client_since, annual_value_cents, account_manager_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return internal(err, "saving organisation")
	}
	defer insOrg.Close()
	insContact, err := tx.PrepareContext(ctx, `INSERT INTO contacts
		(organisation_id, name, name_key, job_title, email, language, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return internal(err, "saving contact")
	}
	defer insContact.Close()
	insSub, err := tx.PrepareContext(ctx, `INSERT INTO subscriptions
		(organisation_id, service_id, since, annual_value_cents, renewal_date, status) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return internal(err, "saving subscription")
	}
	defer insSub.Close()
	markDone, err := tx.PrepareContext(ctx, `UPDATE interactions SET done_at = ?, done_note = ? WHERE id = ?`)
	if err != nil {
		return internal(err, "saving interaction")
	}
	defer markDone.Close()
	closeLead, err := tx.PrepareContext(ctx, `UPDATE interactions SET origin_id = ?, outcome = ?, value_cents = ?, done_by_id = ?
		WHERE id = ?`)
	if err != nil {
		return internal(err, "saving interaction")
	}
	defer closeLead.Close()

	emp := func(i int) int64 {
		if i < 0 {
			return 0
		}
		return p.employeeIDs[i]
	}
	for _, o := range p.orgs {
		in := o.in
		err := insOrg.QueryRowContext(ctx, in.Name, key(in.Name), in.Status, dateArg(in.ClientSince),
			in.AnnualValue, nullID(emp(o.am)), now, now).Scan(&o.id)
		if isUniqueViolation(err) {
			return Errorf(CodeConflict, "name", "there is already an organisation called %q", in.Name)
		}
		if err != nil {
			return internal(err, "saving organisation")
		}
		sum.Organisations++
		if err := addNumbers(ctx, tx, "organisation_id", o.id, o.numbers); err != nil {
			return err
		}
		if err := addRanges(ctx, tx, o.id, o.ranges); err != nil {
			return err
		}
		sum.Numbers += len(o.numbers)
		sum.Ranges += len(o.ranges)
		o.contactIDs = make([]int64, len(o.contacts))
		for i, c := range o.contacts {
			var id int64
			err := insContact.QueryRowContext(ctx, o.id, c.Name, key(c.Name), c.JobTitle, c.Email, c.Language, now, now).Scan(&id)
			if isUniqueViolation(err) {
				return Errorf(CodeConflict, "name", "%q is already a contact at %s", c.Name, in.Name)
			}
			if err != nil {
				return internal(err, "saving contact")
			}
			if err := addNumbers(ctx, tx, "contact_id", id, o.contactNumbers[i]); err != nil {
				return err
			}
			o.contactIDs[i] = id
			sum.Contacts++
			sum.Numbers += len(o.contactNumbers[i])
		}
		for _, sub := range o.subs {
			if _, err := insSub.ExecContext(ctx, o.id, serviceIDs[sub.ServiceCode], dateArg(sub.Since),
				sub.AnnualValue, dateArg(sub.RenewalDate), sub.Status); err != nil {
				return internal(err, "saving subscription")
			}
			sum.Subscriptions++
		}
		ids := make([]int64, len(o.events))
		for i, ev := range o.events {
			in := ev.in
			in.OrganisationID = o.id
			in.ContactID = 0
			if ev.contact >= 0 {
				in.ContactID = o.contactIDs[ev.contact]
			}
			in.AuthorID, in.AssigneeID = emp(ev.author), emp(ev.assignee)
			in.ServiceID = serviceIDs[ev.service]
			id, err := addInteraction(ctx, tx, in)
			if err != nil {
				return err
			}
			ids[i] = id
			if !ev.doneAt.IsZero() {
				if _, err := markDone.ExecContext(ctx, ev.doneAt.UnixMilli(), ev.doneNote, id); err != nil {
					return internal(err, "saving interaction")
				}
			}
			if ev.origin > 0 || ev.outcome != "" {
				var origin, by any
				if ev.origin > 0 {
					origin = ids[ev.origin-1]
				}
				if ev.outcome != "" {
					by = emp(ev.doneBy)
				}
				if _, err := closeLead.ExecContext(ctx, origin, ev.outcome, ev.value, by, id); err != nil {
					return internal(err, "saving interaction")
				}
			}
			sum.Interactions++
		}
	}
	return s.writeDemoActivity(ctx, tx, p, sum)
}

// saveDemoServices writes the catalogue inside tx, by code, as SaveServices
// does, and returns the id of each code.
func saveDemoServices(ctx context.Context, tx *txn, ins []ServiceInput) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, in := range ins {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO services (code, name, pitch, keywords) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, pitch = excluded.pitch, keywords = excluded.keywords
			RETURNING id`, in.Code, in.Name, in.Pitch, strings.Join(in.Keywords, " ")).Scan(&id)
		if err != nil {
			return nil, internal(err, "saving service")
		}
		ids[in.Code] = id
	}
	for _, in := range ins {
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_complements WHERE service_id = ?`, ids[in.Code]); err != nil {
			return nil, internal(err, "saving complements")
		}
		for _, c := range in.Complements {
			of, ok := ids[c.Of]
			if !ok {
				return nil, Errorf(CodeInvalid, "complements", "service %q complements unknown service %q", in.Code, c.Of)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO service_complements (service_id, complement_of, weight)
				VALUES (?, ?, ?)`, ids[in.Code], of, c.Weight); err != nil {
				return nil, internal(err, "saving complements")
			}
		}
	}
	return ids, nil
}

// demoGen generates the plan from one random stream. Every choice is drawn
// in a fixed order, so a seed always gives the same register.
type demoGen struct {
	rng   *rand.Rand
	now   time.Time
	today time.Time // midnight of now, in now's location

	usedNumbers map[string]bool // national significant numbers handed out
	usedBlocks  map[string]bool // area + block digits handed out
	usedNames   map[string]bool // organisation name keys

	receptionists, accountManagers, serviceManagers, engineers []int

	// words is how the register writes its own history entries.
	words wording
}

func newDemoGen(seed uint64, now time.Time, words wording) *demoGen {
	y, m, d := now.Date()
	return &demoGen{
		rng:         rand.New(rand.NewPCG(seed, demoSeedStream)),
		now:         now,
		today:       time.Date(y, m, d, 0, 0, 0, 0, now.Location()),
		usedNumbers: map[string]bool{},
		usedBlocks:  map[string]bool{},
		usedNames:   map[string]bool{},
		words:       words,
	}
}

// Fixed numbers of the named cases, reserved before anything random is drawn.
const (
	storyMobile     = "612345678" // Martijn de Vries
	storyAMMobile   = "623456789" // Sanne Visser
	storyArea       = "10"        // Van der Berg Logistiek, Rotterdam
	storyBlock      = "42837"
	klimboomArea    = "30" // Kinderopvang De Klimboom, Utrecht: switchboard only
	klimboomBlock   = "26819"
	sharedLine      = "346251780" // 0346 25 17 80: a home office line two contacts share
	unknownNumber   = "513612345" // 0513 61 23 45: valid, in no area code the demo uses
	demoOrgsTotal   = 300
	rangeFreeSuffix = 80 // direct numbers in a block stay below this; 80-99 are never stored
)

func (g *demoGen) build() *demoPlan {
	p := &demoPlan{}
	for _, nsn := range []string{storyMobile, storyAMMobile, sharedLine, unknownNumber} {
		g.usedNumbers[nsn] = true
	}
	g.usedBlocks[storyArea+storyBlock] = true
	g.usedBlocks[klimboomArea+klimboomBlock] = true

	g.employees(p)
	p.services = demoCatalogue()

	// The story first, so it gets the first ids and is easy to find.
	p.storyOrg, p.storyContact = 0, 0
	p.orgs = append(p.orgs, g.storyOrg(p))
	p.orgs = append(p.orgs, g.klimboom())
	g.usedNames[key(p.orgs[0].in.Name)] = true
	g.usedNames[key(p.orgs[1].in.Name)] = true
	for len(p.orgs) < demoOrgsTotal {
		p.orgs = append(p.orgs, g.organisation(len(p.orgs)))
	}
	g.shareLine(p)
	p.examples = g.examples(p)
	p.today = g.today
	g.activity(p)
	return p
}

// employees: receptionists, account managers, service managers, an admin and
// engineers, each with a mobile number and an extension.
func (g *demoGen) employees(p *demoPlan) {
	for i, st := range demoStaff {
		mobile := st.mobile
		if mobile == "" {
			mobile = g.mobile()
		}
		p.employees = append(p.employees, EmployeeInput{
			Name:      st.name,
			Email:     emailLocal(st.name) + "@noordhaven.nl",
			Role:      st.role,
			Extension: st.ext,
			Numbers:   []NumberInput{{Raw: formatMobile(mobile, g.rng.IntN(5)), Label: LabelMobile}},
		})
		switch st.role {
		case RoleReceptionist:
			g.receptionists = append(g.receptionists, i)
		case RoleAccountManager:
			g.accountManagers = append(g.accountManagers, i)
			if st.mobile == storyAMMobile {
				p.storyAM = i
				p.employees[i].Numbers[0].Raw = "06 2345 6789"
			}
		case RoleServiceManager:
			g.serviceManagers = append(g.serviceManagers, i)
		case RoleEngineer:
			g.engineers = append(g.engineers, i)
		}
	}
}

// storyOrg is Van der Berg Logistiek BV and Martijn de Vries, the caller the
// product exists for: a client for seven years and two months who buys only
// hosting, worth about €8,400 a year.
func (g *demoGen) storyOrg(p *demoPlan) *demoOrg {
	since := g.today.AddDate(-7, -2, 0)
	renewal := g.today.AddDate(0, 0, 40)
	sanne := p.storyAM
	o := &demoOrg{
		in: OrganisationInput{
			Name:        "Van der Berg Logistiek BV",
			Status:      StatusActive,
			ClientSince: since,
			AnnualValue: 8400_00,
			Numbers:     []NumberInput{{Raw: "010 428 3700", Label: LabelSwitchboard}},
		},
		am: sanne,
		contacts: []ContactInput{
			{Name: "Martijn de Vries", JobTitle: "ICT-manager", Email: "m.devries@vanderberglogistiek.nl", Language: "nl",
				Numbers: []NumberInput{{Raw: "06 12345678", Label: LabelMobile}, {Raw: "010 428 3712", Label: LabelDirect}}},
			{Name: "Ingrid van der Berg", JobTitle: "directeur", Email: "i.vanderberg@vanderberglogistiek.nl", Language: "nl",
				Numbers: []NumberInput{{Raw: "010 428 3701", Label: LabelDirect}}},
			{Name: "Kees Wolters", JobTitle: "hoofd planning", Email: "k.wolters@vanderberglogistiek.nl", Language: "nl",
				Numbers: []NumberInput{{Raw: "06-" + g.mobile()[1:], Label: LabelMobile}}},
		},
		subs: []SubscriptionInput{{ServiceCode: "hosting", Since: since, AnnualValue: 8400_00, RenewalDate: renewal, Status: SubscriptionActive}},
	}
	rec, eng := g.receptionists, g.engineers
	add := func(kind InteractionKind, daysAgo, contact, author, assignee int, service, status, summary string) *demoEvent {
		o.events = append(o.events, demoEvent{
			in:      InteractionInput{Kind: kind, OccurredAt: g.workTime(daysAgo), Status: status, Summary: summary},
			contact: contact, author: author, assignee: assignee, service: service,
		})
		return &o.events[len(o.events)-1]
	}
	add(KindVisit, 330, 0, sanne, -1, "", "",
		"Yearly review with Martijn at their Rotterdam office: hosting runs well, no other needs for now.")
	add(KindEmail, 300, 0, sanne, -1, "", "",
		"Sent the hosting renewal confirmation for another year.")
	cb := add(KindCallback, 150, 0, rec[0], sanne, "", InteractionDone,
		"Martijn rang Sanne's mobile and was put through to reception; asked to be called back about extra server capacity.")
	cb.doneAt, cb.doneNote = cb.in.OccurredAt.Add(3*time.Hour), "Sanne called back the same afternoon."
	add(KindCall, 120, 0, eng[0], -1, "", "",
		"Martijn reported the planning application was slow; added memory to the application server.")
	cb = add(KindCallback, 75, 0, rec[1], sanne, "", InteractionDone,
		"Martijn rang Sanne's mobile again and landed at reception; left his number for a call back.")
	cb.doneAt, cb.doneNote = cb.in.OccurredAt.Add(26*time.Hour), "Called back the next day; question about the invoice."
	add(KindNote, 14, 0, eng[1], -1, "", "",
		"Martijn asked about restoring deleted files last month: a project folder was removed by mistake and only the weekly hosting snapshot existed, so two days of work were lost. No backup in their contract.")
	add(KindEmail, 9, 0, sanne, -1, "", "",
		"Sent the renewal quote for Managed Hosting; it renews on "+renewal.Format(DateLayout)+".")
	add(KindCall, 6, 1, rec[0], -1, "", "",
		"Ingrid asked for a copy of last quarter's hosting invoice; sent by e-mail.")

	p.story = DemoStory{
		ContactName:        "Martijn de Vries",
		JobTitle:           "ICT-manager",
		ContactNumber:      "+31612345678",
		OrganisationName:   o.in.Name,
		ClientSince:        since,
		Years:              YearsBetween(since, g.now),
		AnnualValue:        o.in.AnnualValue,
		Services:           []string{"hosting"},
		RenewalDate:        renewal,
		AccountManagerName: demoStaff[sanne].name,
		AccountManagerRaw:  "+31623456789",
	}
	return o
}

// klimboom is a client known only by its switchboard: none of its people
// has a number of their own in the register.
func (g *demoGen) klimboom() *demoOrg {
	since := g.today.AddDate(-4, -5, -12)
	return &demoOrg{
		in: OrganisationInput{
			Name:        "Kinderopvang De Klimboom",
			Status:      StatusActive,
			ClientSince: since,
			AnnualValue: 3600_00,
			Numbers:     []NumberInput{{Raw: "030 268 1900", Label: LabelSwitchboard}},
		},
		am: g.accountManagers[1],
		contacts: []ContactInput{
			{Name: "Marloes Hoekstra", JobTitle: "directeur", Email: "marloes@deklimboom.nl", Language: "nl"},
			{Name: "Yvonne Brouwer", JobTitle: "office manager", Email: "yvonne@deklimboom.nl", Language: "nl"},
		},
		subs: []SubscriptionInput{{ServiceCode: "workplace", Since: since, AnnualValue: 3600_00,
			RenewalDate: g.today.AddDate(0, 7, 3), Status: SubscriptionActive}},
		events: []demoEvent{
			{in: InteractionInput{Kind: KindCall, OccurredAt: g.workTime(44),
				Summary: "Yvonne called via the switchboard: the laptop in the baby room won't start; engineer came by the next day."},
				contact: 1, author: g.receptionists[2], assignee: -1},
			{in: InteractionInput{Kind: KindCare, OccurredAt: g.workTime(20),
				Summary: "Proactive check-in with Marloes: all fine; they open a second location in the autumn."},
				contact: 0, author: g.serviceManagers[0], assignee: -1},
		},
	}
}

// organisation generates one client, prospect or former client.
func (g *demoGen) organisation(index int) *demoOrg {
	r := g.rng
	area := demoAreas[g.weighted(len(demoAreas), func(i int) int { return demoAreas[i].weight })]
	name := g.orgName(area.city)
	o := &demoOrg{am: g.accountManagers[r.IntN(len(g.accountManagers))], area: area}
	o.in.Name = name

	switch x := r.IntN(100); {
	case x < 85:
		o.in.Status = StatusActive
	case x < 93:
		o.in.Status = StatusProspect
	default:
		o.in.Status = StatusFormer
	}
	value := Money(0)
	if o.in.Status != StatusProspect {
		years := r.Float64() * 15
		if o.in.Status == StatusFormer {
			years = 3 + r.Float64()*12
		}
		o.in.ClientSince = g.today.AddDate(0, 0, -(30 + int(years*365)))
		// A log-normal value: most clients a few thousand euros a year,
		// a few large ones near the top.
		euros := math.Exp(math.Log(7500) + r.NormFloat64()*0.95)
		if r.IntN(40) == 0 {
			euros = 60000 + r.Float64()*60000 // one of the few large accounts
		}
		euros = math.Min(120000, math.Max(1000, euros))
		value = Money(math.Round(euros/50) * 50 * 100)
	}

	// Every organisation has a block of a hundred numbers; its switchboard
	// ends in 00, its people's direct lines lower than 80.
	blockNSN := g.block(area)
	o.block = blockNSN
	hasRange := o.in.Status == StatusActive && r.Float64() < 0.23
	hasSwitchboard := hasRange || r.Float64() < 0.9
	if hasSwitchboard {
		o.in.Numbers = []NumberInput{{Raw: formatFixed(area.code, blockNSN+"00", r.IntN(4)), Label: LabelSwitchboard}}
		g.usedNumbers[area.code+blockNSN+"00"] = true
	}
	if hasRange {
		o.in.Ranges = []string{formatRange(area.code, blockNSN)}
	}

	domain := orgDomain(name)
	mailStyle := r.IntN(3)
	n := g.weighted(6, func(i int) int { return []int{18, 30, 25, 14, 8, 5}[i] }) + 1
	if value > 30000_00 && n < 6 {
		n++
	}
	usedContacts := map[string]bool{}
	usedSuffix := map[int]bool{0: true}
	for len(o.contacts) < n {
		c := g.contact(len(o.contacts), domain, mailStyle)
		if usedContacts[key(c.Name)] {
			continue
		}
		usedContacts[key(c.Name)] = true
		pDirect := 0.35
		if hasRange {
			pDirect = 0.65
		}
		if r.Float64() < 0.7 {
			c.Numbers = append(c.Numbers, NumberInput{Raw: formatMobile(g.mobile(), r.IntN(5)), Label: LabelMobile})
		}
		if r.Float64() < pDirect || len(c.Numbers) == 0 && !hasSwitchboard {
			suffix := 1 + r.IntN(rangeFreeSuffix-1)
			for usedSuffix[suffix] {
				suffix = 1 + r.IntN(rangeFreeSuffix-1)
			}
			usedSuffix[suffix] = true
			digits := fmt.Sprintf("%s%02d", blockNSN, suffix)
			g.usedNumbers[area.code+digits] = true
			c.Numbers = append(c.Numbers, NumberInput{Raw: formatFixed(area.code, digits, r.IntN(4)), Label: LabelDirect})
		}
		o.contacts = append(o.contacts, c)
	}

	g.subscriptions(o, value)
	g.history(o, index)
	return o
}

// subscriptions picks services worth value a year in total, bigger clients
// holding more of them, and sets the organisation's value to their sum.
func (g *demoGen) subscriptions(o *demoOrg, value Money) {
	if o.in.Status == StatusProspect {
		return
	}
	r := g.rng
	var n int
	switch {
	case value < 4000_00:
		n = 1
	case value < 12000_00:
		n = 1 + r.IntN(2)
	case value < 30000_00:
		n = 2 + r.IntN(2)
	default:
		n = 3 + r.IntN(2)
	}
	var codes []string
	taken := map[string]bool{}
	for len(codes) < n {
		c := demoPopularity[g.weighted(len(demoPopularity), func(i int) int { return demoPopularity[i].weight })].code
		if !taken[c] {
			taken[c] = true
			codes = append(codes, c)
		}
	}
	shares := make([]float64, n)
	total := 0.0
	for i := range shares {
		shares[i] = 0.5 + r.Float64()
		total += shares[i]
	}
	left := value
	days := int(g.today.Sub(o.in.ClientSince).Hours() / 24)
	for i, code := range codes {
		v := Money(math.Round(float64(value)*shares[i]/total/1000) * 1000) // whole tens of euros
		if i == n-1 {
			v = left
		}
		left -= v
		since := o.in.ClientSince
		if i > 0 && days > 60 {
			since = since.AddDate(0, 0, r.IntN(days-30))
		}
		sub := SubscriptionInput{ServiceCode: code, Since: since, AnnualValue: v, Status: SubscriptionActive}
		if o.in.Status == StatusFormer {
			sub.Status = SubscriptionEnded
			if r.IntN(3) == 0 {
				sub.Status = SubscriptionCancelled
			}
		} else {
			sub.RenewalDate = g.today.AddDate(0, 0, 1+r.IntN(365))
		}
		o.subs = append(o.subs, sub)
	}
	if o.in.Status == StatusActive {
		o.in.AnnualValue = value
	}
}

// history writes a year of calls, e-mails, notes, visits and check-ins, a
// few open callbacks and leads, and the odd outcome of a cross-sell hint.
func (g *demoGen) history(o *demoOrg, index int) {
	r := g.rng
	pick := func(xs []int) int { return xs[r.IntN(len(xs))] }
	someone := func() int { return r.IntN(len(o.contacts)) }
	first := func(c int) string { return strings.Fields(o.contacts[c].Name)[0] }
	add := func(kind InteractionKind, at time.Time, c, author, assignee int, service, status, summary string) *demoEvent {
		o.events = append(o.events, demoEvent{
			in:      InteractionInput{Kind: kind, OccurredAt: at, Status: status, Summary: summary},
			contact: c, author: author, assignee: assignee, service: service,
		})
		return &o.events[len(o.events)-1]
	}
	am := o.am

	switch o.in.Status {
	case StatusProspect:
		code := demoPopularity[r.IntN(len(demoPopularity))].code
		c := someone()
		add(KindCall, g.workTime(30+r.IntN(150)), c, pick(g.receptionists), -1, "", "",
			first(c)+" called: looking for a new partner for "+demoServiceNames[code]+"; put through to "+demoStaff[am].name+".")
		add(KindVisit, g.workTime(5+r.IntN(25)), c, am, -1, "", "",
			"Introduction meeting at their office about "+demoServiceNames[code]+"; they want a proposal.")
		if r.IntN(2) == 0 {
			add(KindLead, g.workTime(1+r.IntN(4)), c, am, am, code, InteractionOpen,
				"Send "+first(c)+" a proposal for "+demoServiceNames[code]+" before the end of the month.")
		}
		return
	case StatusFormer:
		code := o.subs[r.IntN(len(o.subs))].ServiceCode
		add(KindNote, g.workTime(200+r.IntN(160)), -1, am, -1, "", "",
			"Contract for "+demoServiceNames[code]+" ended: "+demoLeaving[r.IntN(len(demoLeaving))])
		if r.IntN(2) == 0 {
			c := someone()
			add(KindCall, g.workTime(20+r.IntN(150)), c, pick(g.receptionists), -1, "", "",
				first(c)+" asked for the last invoice and an export of their data; sent by e-mail.")
		}
		return
	}

	for range 4 + r.IntN(9) {
		code := o.subs[r.IntN(len(o.subs))].ServiceCode
		var kind InteractionKind
		var templates []string
		var author, assignee = -1, -1
		switch x := r.IntN(100); {
		case x < 45:
			kind, templates, author = KindCall, demoCallTopics[code], pick(g.engineers)
			if r.IntN(3) == 0 {
				templates, author = demoGeneralCalls, pick(g.receptionists)
			}
		case x < 65:
			kind, templates, author = KindEmail, demoEmails, am
			if r.IntN(3) == 0 {
				author = pick(g.serviceManagers)
			}
		case x < 77:
			kind, templates, author = KindNote, demoNotes, am
			if r.IntN(2) == 0 {
				author = pick(g.engineers)
			}
		case x < 83:
			kind, templates, author = KindVisit, demoVisits, am
		case x < 90:
			kind, templates, author = KindCare, demoCare, pick(g.serviceManagers)
		default:
			kind, templates, author, assignee = KindCallback, demoCallbacks, pick(g.receptionists), am
			if r.IntN(2) == 0 {
				assignee = pick(g.engineers)
			}
		}
		t := templates[r.IntN(len(templates))]
		c := -1
		if strings.Contains(t, "{name}") || r.IntN(4) > 0 {
			c = someone()
		}
		summary := t
		for _, kv := range [][2]string{{"{am}", demoStaff[am].name}, {"{eng}", demoStaff[pick(g.engineers)].name},
			{"{service}", demoServiceNames[code]}} {
			summary = strings.ReplaceAll(summary, kv[0], kv[1])
		}
		if c >= 0 {
			summary = strings.ReplaceAll(summary, "{name}", first(c))
		}
		at := g.workTime(1 + r.IntN(364))
		if kind != KindCallback {
			add(kind, at, c, author, assignee, "", "", summary)
			continue
		}
		ev := add(kind, at, c, author, assignee, "", InteractionDone, summary)
		ev.doneAt = at.Add(time.Duration(1+r.IntN(20)) * time.Hour)
		ev.doneNote = demoDoneNotes[r.IntN(len(demoDoneNotes))]
	}

	// A few requests still waiting, spread over the register.
	if index%60 == 7 || index%60 == 37 {
		c := someone()
		assignee := am
		if index%60 == 37 {
			assignee = pick(g.engineers)
		}
		add(KindCallback, g.recent(), c, pick(g.receptionists), assignee, "", InteractionOpen,
			strings.ReplaceAll(demoCallbacks[r.IntN(len(demoCallbacks))], "{name}", first(c)))
	}
	// Now and then a receptionist mentioned a service the client lacks.
	if hint := o.hintService(); hint != "" && (index%100 == 11 || index%100 == 60) {
		c := someone()
		at := g.workTime(3 + r.IntN(60))
		name := demoServiceNames[hint]
		if index%100 == 11 {
			add(KindHint, at, c, pick(g.receptionists), -1, hint, "interested",
				"Mentioned "+name+"; "+first(c)+" is interested and would like to know more.")
			add(KindLead, at.Add(2*time.Minute), c, pick(g.receptionists), am, hint, InteractionOpen,
				first(c)+" is interested in "+name+"; please send information and call.")
		} else {
			add(KindHint, at, c, pick(g.receptionists), -1, hint, "declined",
				"Mentioned "+name+"; not now, they are happy with their current setup.")
		}
	}
}

// hintService is what a receptionist would mention to o: the strongest
// complement of what it holds that it does not hold yet.
func (o *demoOrg) hintService() string {
	best, weight := "", 0.0
	for _, sv := range demoServicesRef {
		if o.holds(sv.Code) {
			continue
		}
		for _, c := range sv.Complements {
			if o.holds(c.Of) && c.Weight > weight {
				best, weight = sv.Code, c.Weight
			}
		}
	}
	return best
}

func (o *demoOrg) holds(code string) bool {
	for _, s := range o.subs {
		if s.ServiceCode == code {
			return true
		}
	}
	return false
}

// shareLine gives one home-office number to two people at different
// organisations, both as their direct line, so that a call from it is
// ambiguous.
func (g *demoGen) shareLine(p *demoPlan) {
	var picked []*demoOrg
	for _, o := range p.orgs[2:] {
		if o.in.Status == StatusActive && len(o.contacts) < 6 && (len(picked) == 0 || picked[0].in.Name != o.in.Name) {
			picked = append(picked, o)
			if len(picked) == 2 {
				break
			}
		}
	}
	for i, who := range []struct{ name, title string }{{"Wim Brinkman", "controller"}, {"Ellen Brinkman", "office manager"}} {
		o := picked[i]
		o.contacts = append(o.contacts, ContactInput{
			Name: who.name, JobTitle: who.title, Language: "nl",
			Email:   strings.ToLower(strings.Fields(who.name)[0]) + ".brinkman@" + orgDomain(o.in.Name),
			Numbers: []NumberInput{{Raw: "0346 251 780", Label: LabelDirect}},
		})
		o.events = append(o.events, demoEvent{in: InteractionInput{Kind: KindNote, OccurredAt: g.workTime(60 + 40*i),
			Summary: strings.Fields(who.name)[0] + " works part-time from home; the direct number is their home office line."},
			contact: len(o.contacts) - 1, author: o.am, assignee: -1})
	}
}

// examples are the numbers to try, one per outcome.
func (g *demoGen) examples(p *demoPlan) []DemoExample {
	story := p.orgs[p.storyOrg]
	out := []DemoExample{
		{Raw: p.story.ContactNumber, Match: MatchContact,
			Expect: p.story.ContactName + " (" + story.in.Name + ")",
			Note:   "Martijn's mobile: a client for 7 years who only buys hosting; backup is the hint"},
		{Raw: "+31302681900", Match: MatchOrganisation, Expect: p.orgs[1].in.Name,
			Note: "a switchboard: the only numbers this client has in the register"},
		{Raw: p.story.AccountManagerRaw, Match: MatchEmployee, Expect: p.story.AccountManagerName,
			Note: "Sanne's mobile: a call forwarded from her 06 shows her number"},
	}
	for _, o := range p.orgs {
		if len(o.in.Ranges) > 0 {
			out = append(out, DemoExample{Raw: formatFixed(o.area.code, o.block+"87", 0), Match: MatchNumberRange,
				Expect: o.in.Name + "?", Note: "not stored, but inside the direct-dial range " + o.in.Ranges[0]})
			break
		}
	}
	var holders []string
	for _, o := range p.orgs {
		for _, c := range o.contacts {
			if strings.HasSuffix(c.Name, "Brinkman") {
				holders = append(holders, c.Name+" ("+o.in.Name+")")
			}
		}
	}
	out = append(out,
		DemoExample{Raw: "0346 251 780", Match: MatchAmbiguous, Expect: strings.Join(holders, " or "),
			Note: "one home office line, the direct number of two people at different clients"},
		DemoExample{Raw: "0513 61 23 45", Match: MatchUnknown, Note: "a valid number nobody in the register has"},
		DemoExample{Raw: "anonymous", Match: MatchWithheld, Note: "the caller withheld their number"},
		DemoExample{Raw: p.employees[g.receptionists[0]].Extension, Match: MatchEmployee,
			Expect: p.employees[g.receptionists[0]].Name, Note: "an internal extension"},
	)
	return out
}

// contact generates a person: a Dutch name (now and then an international
// one who prefers English), a job title and an e-mail address.
func (g *demoGen) contact(i int, domain string, mailStyle int) ContactInput {
	r := g.rng
	var first, last string
	lang := "nl"
	if r.IntN(100) < 8 {
		n := demoInternational[r.IntN(len(demoInternational))]
		first, last, lang = n[0], n[1], "en"
	} else {
		if r.IntN(2) == 0 {
			first = demoFirstMale[r.IntN(len(demoFirstMale))]
		} else {
			first = demoFirstFemale[r.IntN(len(demoFirstFemale))]
		}
		last = demoSurnames[r.IntN(len(demoSurnames))]
	}
	title := demoTitles[r.IntN(len(demoTitles))]
	if i == 0 {
		title = []string{"ICT-manager", "office manager", "directeur", "eigenaar"}[r.IntN(4)]
	}
	var local string
	switch mailStyle {
	case 0:
		local = emailLocal(first + " " + last)
	case 1:
		local = emailLocal(first)[:1] + "." + strings.ReplaceAll(emailLocal(last), ".", "")
	default:
		local = emailLocal(first)
	}
	return ContactInput{Name: first + " " + last, JobTitle: title, Email: local + "@" + domain, Language: lang}
}

// orgName draws a company name that is not yet taken.
func (g *demoGen) orgName(city string) string {
	r := g.rng
	for {
		t := demoNameTemplates[g.weighted(len(demoNameTemplates), func(i int) int { return demoNameTemplates[i].weight })]
		s1 := capitalise(demoSurnames[r.IntN(len(demoSurnames))])
		s2 := capitalise(demoSurnames[r.IntN(len(demoSurnames))])
		w := demoWords[r.IntN(len(demoWords))]
		region := demoRegions[r.IntN(len(demoRegions))]
		name := strings.NewReplacer("{S}", s1, "{S2}", s2, "{W}", w, "{C}", city, "{R}", region).Replace(t.pattern)
		if s1 == s2 && strings.Contains(t.pattern, "{S2}") {
			continue
		}
		if k := key(name); !g.usedNames[k] {
			g.usedNames[k] = true
			return name
		}
	}
}

// mobile draws an unused Dutch mobile number (06-1 to 06-5), as the national
// significant number "6xxxxxxxx".
func (g *demoGen) mobile() string {
	for {
		nsn := fmt.Sprintf("6%d%07d", 1+g.rng.IntN(5), g.rng.IntN(10_000_000))
		if !g.usedNumbers[nsn] {
			g.usedNumbers[nsn] = true
			return nsn
		}
	}
}

// block draws an unused block of a hundred numbers in area: the subscriber
// digits before the last two, never starting with 0 or 1.
func (g *demoGen) block(a demoArea) string {
	for {
		width := 5 // a two-digit area code has seven-digit subscriber numbers
		if len(a.code) == 3 {
			width = 4
		}
		b := fmt.Sprintf("%d%0*d", 2+g.rng.IntN(8), width-1, g.rng.IntN(int(math.Pow10(width-1))))
		if !g.usedBlocks[a.code+b] {
			g.usedBlocks[a.code+b] = true
			return b
		}
	}
}

// workTime is a moment during office hours daysAgo days before today,
// moved back to Friday when that day falls in a weekend.
func (g *demoGen) workTime(daysAgo int) time.Time {
	d := g.today.AddDate(0, 0, -daysAgo)
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, -1)
	case time.Sunday:
		d = d.AddDate(0, 0, -2)
	}
	t := d.Add(8*time.Hour + 30*time.Minute + time.Duration(g.rng.IntN(9*60))*time.Minute)
	if !t.Before(g.now) {
		t = g.now.Add(-time.Duration(1+g.rng.IntN(60)) * time.Minute)
	}
	return t
}

// recent is a moment in the last three days, for requests still open.
func (g *demoGen) recent() time.Time {
	return g.now.Add(-time.Duration(30+g.rng.IntN(3*24*60)) * time.Minute)
}

// weighted draws an index in [0, n) with probability proportional to w(i).
func (g *demoGen) weighted(n int, w func(int) int) int {
	total := 0
	for i := range n {
		total += w(i)
	}
	x := g.rng.IntN(total)
	for i := range n {
		if x -= w(i); x < 0 {
			return i
		}
	}
	return n - 1
}

// Formatting: numbers are written in the ways people write them, so that the
// demo also shows that every form is recognised.

func formatMobile(nsn string, style int) string {
	d := nsn[1:] // eight digits after the 6
	switch style {
	case 0:
		return "06-" + d
	case 1:
		return "06 " + d[:4] + " " + d[4:]
	case 2:
		return "+31 6 " + d[:4] + " " + d[4:]
	case 3:
		return "+316" + d
	default:
		return "06" + d
	}
}

func formatFixed(area, sub string, style int) string {
	if len(area) == 2 { // 020 555 1234
		switch style {
		case 0:
			return "0" + area + " " + sub[:3] + " " + sub[3:]
		case 1:
			return "0" + area + "-" + sub
		case 2:
			return "+31 " + area + " " + sub[:3] + " " + sub[3:]
		default:
			return "0" + area + " " + sub[:3] + " " + sub[3:5] + " " + sub[5:]
		}
	}
	switch style { // 0172 21 34 56
	case 0:
		return "0" + area + " " + sub[:2] + " " + sub[2:4] + " " + sub[4:]
	case 1:
		return "0" + area + "-" + sub
	case 2:
		return "+31 " + area + " " + sub[:3] + " " + sub[3:]
	default:
		return "0" + area + " " + sub[:3] + " " + sub[3:]
	}
}

// formatRange writes a block as the prefix of its direct-dial range,
// "020 555 12" or "0172 21 34".
func formatRange(area, block string) string {
	n := len(block) - 2
	return "0" + area + " " + block[:n] + " " + block[n:]
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// emailLocal turns "Jeroen van Dijk" into "jeroen.vandijk" and "Sarah
// O'Connor" into "sarah.oconnor".
func emailLocal(name string) string {
	f := strings.Fields(strings.ToLower(foldAccents(name)))
	for i := range f {
		f[i] = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, f[i])
	}
	if len(f) == 1 {
		return f[0]
	}
	return f[0] + "." + strings.Join(f[1:], "")
}

// orgDomain turns "Jansen & De Groot Advocaten" into "jansendegrootadvocaten.nl".
func orgDomain(name string) string {
	n := strings.ToLower(foldAccents(name))
	n = strings.TrimSuffix(n, " bv")
	var b strings.Builder
	for _, r := range n {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String() + ".nl"
}

func foldAccents(s string) string {
	return strings.NewReplacer("á", "a", "à", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ë", "e", "ê", "e", "í", "i",
		"ï", "i", "ñ", "n", "ó", "o", "ö", "o", "ş", "s", "ú", "u", "ü", "u").Replace(s)
}

// Data.

// demoCatalogue is the service catalogue; a fresh copy each call because
// validation normalises it in place.
func demoCatalogue() []ServiceInput {
	return []ServiceInput{
		{Code: "hosting", Name: "Managed Hosting",
			Pitch:    "Did you know we can run your servers and applications in our Dutch data centre, patched and watched for you?",
			Keywords: strings.Fields("hosting server servers website webshop application slow capacity datacentre cloud")},
		{Code: "backup", Name: "Off-site Backup & Restore",
			Pitch:       "Did you know we can also back up your hosted servers every night, off-site, and restore a deleted file within the hour?",
			Keywords:    strings.Fields("backup restore ransomware lost deleted recover kwijt snapshot"),
			Complements: []Complement{{Of: "hosting", Weight: 0.9}, {Of: "workplace", Weight: 0.6}}},
		{Code: "monitoring", Name: "24/7 Monitoring",
			Pitch:       "We can watch your servers and network day and night, and call you before your users notice a problem.",
			Keywords:    strings.Fields("monitoring down outage storing alert disk full slow uptime night"),
			Complements: []Complement{{Of: "hosting", Weight: 0.7}, {Of: "connectivity", Weight: 0.5}}},
		{Code: "security", Name: "Managed Security & Awareness",
			Pitch:       "We can keep phishing and malware out of your mail and laptops, and teach your staff to spot a fake e-mail.",
			Keywords:    strings.Fields("security phishing virus malware hacked hack password mfa breach suspicious ransomware"),
			Complements: []Complement{{Of: "workplace", Weight: 0.8}, {Of: "hosting", Weight: 0.5}}},
		{Code: "workplace", Name: "Managed Workplace & Microsoft 365",
			Pitch:       "We can look after your laptops and Microsoft 365 accounts, so a new colleague is ready to work on day one.",
			Keywords:    strings.Fields("laptop pc microsoft 365 office outlook teams onboarding printer account licence"),
			Complements: []Complement{{Of: "voip", Weight: 0.3}, {Of: "training", Weight: 0.4}}},
		{Code: "connectivity", Name: "Business Internet & Wi-Fi",
			Pitch:       "We can deliver your office internet and Wi-Fi, with a backup line so you are never offline.",
			Keywords:    strings.Fields("internet wifi wi-fi network offline fibre glasvezel vpn router moving"),
			Complements: []Complement{{Of: "voip", Weight: 0.6}, {Of: "workplace", Weight: 0.4}}},
		{Code: "voip", Name: "Cloud Telephony",
			Pitch:       "We can move your phones to the cloud, so calls to the office follow your people to their mobile.",
			Keywords:    strings.Fields("phone telephone telefoon calls voip switchboard forwarding extension mobile"),
			Complements: []Complement{{Of: "connectivity", Weight: 0.8}}},
		{Code: "training", Name: "IT Training",
			Pitch:       "We run short hands-on courses in Microsoft 365 and working safely, at your office or ours.",
			Keywords:    strings.Fields("training course cursus learn excel teams howto new staff"),
			Complements: []Complement{{Of: "workplace", Weight: 0.5}, {Of: "security", Weight: 0.6}}},
	}
}

// demoServicesRef is a copy of the catalogue to look things up in; never
// validated or written, so never changed.
var demoServicesRef = demoCatalogue()

// demoServiceNames maps service codes to names, for summaries.
var demoServiceNames = func() map[string]string {
	m := map[string]string{}
	for _, s := range demoServicesRef {
		m[s.Code] = s.Name
	}
	return m
}()

var demoPopularity = []struct {
	code   string
	weight int
}{{"workplace", 6}, {"hosting", 5}, {"backup", 4}, {"security", 3}, {"monitoring", 3}, {"connectivity", 3}, {"voip", 2}, {"training", 1}}

var demoStaff = []struct {
	name   string
	role   Role
	ext    string
	mobile string // national significant number; "" draws one
}{
	{"Lotte Bakker", RoleReceptionist, "201", ""},
	{"Fatima el Amrani", RoleReceptionist, "202", ""},
	{"Kim de Wit", RoleReceptionist, "203", ""},
	{"Sanne Visser", RoleAccountManager, "211", storyAMMobile},
	{"Jeroen van Dijk", RoleAccountManager, "212", ""},
	{"Mark Smit", RoleAccountManager, "213", ""},
	{"Eva Mulder", RoleAccountManager, "214", ""},
	{"Ruud Hendriks", RoleAccountManager, "215", ""},
	{"Peter de Graaf", RoleServiceManager, "221", ""},
	{"Anouk Kramer", RoleServiceManager, "222", ""},
	{"Bas Vermeulen", RoleAdmin, "231", ""},
	{"Thomas Jansen", RoleEngineer, "241", ""},
	{"Daan de Boer", RoleEngineer, "242", ""},
	{"Youssef Benali", RoleEngineer, "243", ""},
	{"Niels Bos", RoleEngineer, "244", ""},
	{"Sophie Dekker", RoleEngineer, "245", ""},
	{"Rick van Leeuwen", RoleEngineer, "246", ""},
	{"Joost Peters", RoleEngineer, "247", ""},
	{"Milan Kok", RoleEngineer, "248", ""},
	{"Iris Meijer", RoleEngineer, "249", ""},
}

type demoArea struct {
	code   string // without the trunk 0
	city   string
	weight int
}

var demoAreas = []demoArea{
	{"20", "Amsterdam", 12}, {"10", "Rotterdam", 10}, {"30", "Utrecht", 9}, {"70", "Den Haag", 7},
	{"40", "Eindhoven", 6}, {"50", "Groningen", 6}, {"13", "Tilburg", 3}, {"15", "Delft", 2},
	{"23", "Haarlem", 3}, {"24", "Nijmegen", 3}, {"26", "Arnhem", 3}, {"33", "Amersfoort", 3},
	{"35", "Hilversum", 2}, {"36", "Almere", 2}, {"38", "Zwolle", 3}, {"43", "Maastricht", 2},
	{"53", "Enschede", 2}, {"55", "Apeldoorn", 2}, {"58", "Leeuwarden", 2}, {"71", "Leiden", 2},
	{"72", "Alkmaar", 2}, {"73", "Den Bosch", 3}, {"76", "Breda", 3}, {"78", "Dordrecht", 2},
	{"79", "Zoetermeer", 2}, {"172", "Alphen aan den Rijn", 1}, {"318", "Veenendaal", 1},
	{"492", "Helmond", 1}, {"522", "Meppel", 1}, {"570", "Deventer", 1},
}

var demoNameTemplates = []struct {
	pattern string
	weight  int
}{
	{"{S} Logistiek BV", 3}, {"Transportbedrijf {S}", 2}, {"{S} & {S2} Advocaten", 3}, {"Advocatenkantoor {S}", 1},
	{"Tandartsenpraktijk {W}", 2}, {"Tandartsen {C} {R}", 1}, {"{S} Holding BV", 2}, {"{W} Holding", 1},
	{"{W} Groep", 3}, {"{S} Groep BV", 1}, {"Huisartsenpraktijk {W}", 1}, {"{S} Accountants", 2},
	{"{S} Belastingadviseurs", 1}, {"Notariskantoor {S}", 1}, {"{S} Bouw BV", 2}, {"Bouwbedrijf {S}", 1},
	{"{S} Installatietechniek BV", 2}, {"Stichting {W}", 1}, {"Stichting Welzijn {C}", 1},
	{"Omgevingsdienst {C} e.o.", 1}, {"Sociale Dienst {C}", 1}, {"Werkbedrijf {C}", 1}, {"Regionaal Archief {C}", 1},
	{"{W} Architecten", 1}, {"Makelaardij {S}", 1}, {"{C} Makelaars", 1}, {"Bakkerij {S}", 1},
	{"{W} Catering", 1}, {"{W} Media", 1}, {"{W} Consultancy BV", 1}, {"{W} Vastgoed BV", 1},
	{"{S} Verzekeringen", 1}, {"Zorggroep {W}", 1}, {"Thuiszorg {C}", 1}, {"{S} Metaal BV", 1},
	{"{W} Techniek", 1}, {"{S} Kunststoffen BV", 1}, {"Autobedrijf {S}", 1}, {"Fysiotherapie {C} {R}", 1},
	{"Uitzendbureau {W}", 1}, {"Drukkerij {S}", 1}, {"{S} Hoveniers", 1}, {"Onderwijsgroep {W}", 1},
	{"Dierenkliniek {C} {R}", 1}, {"{S} & Zonen BV", 1}, {"{S} Food BV", 1},
}

var demoWords = []string{
	"Noordkade", "Zuiderzee", "Hollandia", "Lindeboom", "Eikenhof", "Klaverblad", "Zonnehoek", "Meridiaan",
	"Delta", "Polderland", "Havenzicht", "Vijverhof", "Duinrand", "Kompas", "Horizon", "Molenwaard",
	"Waterland", "Sterrenhof", "Kroonenburg", "Nieuwland", "Oranjehof", "Beukenrode", "De Linde", "Brugzicht",
	"Dijkstaete", "Kastanjehof", "Zilverberg", "Wilgenhoek", "Rozengaard", "Veldzicht", "Maasoever", "Rijnvliet",
	"IJsselkade", "Heuvelrand", "De Vaart", "Korenbloem", "Mercurius", "Atlas", "Vitaal", "Prisma",
}

var demoRegions = []string{"Centrum", "Noord", "Oost", "Zuid", "West"}

var demoSurnames = []string{
	"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
	"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
	"de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
	"van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden", "Schouten", "van Beek", "Willems",
	"van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
	"Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra", "Kramer", "van den Brink",
	"Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker",
	"van Loon", "Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper",
	"de Koning", "van der Laan", "Koning", "van der Velden", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch",
	"van der Meulen", "Hofman", "Bosman", "Wouters", "Sanders", "van der Zee", "Molenaar", "Yilmaz", "Bouzid", "Nijhuis",
}

var demoFirstMale = []string{
	"Jan", "Peter", "Kees", "Hans", "Erik", "Marco", "Dennis", "Sander", "Bas", "Tim", "Jeroen", "Maarten",
	"Rob", "Frank", "Michiel", "Wouter", "Arjen", "Thijs", "Stefan", "Ruben", "Lars", "Bram", "Joris", "Koen",
	"Vincent", "Mohamed", "Emre", "Gert", "Ronald", "Paul",
}

var demoFirstFemale = []string{
	"Anna", "Linda", "Monique", "Sandra", "Esther", "Marieke", "Ingrid", "Petra", "Annemiek", "Saskia", "Femke",
	"Laura", "Lisa", "Anouk", "Eline", "Judith", "Karin", "Miriam", "Nicole", "Renate", "Wendy", "Astrid",
	"Marloes", "Charlotte", "Nadia", "Yara", "Emma", "Fleur", "Ilse", "Manon",
}

var demoInternational = [][2]string{
	{"James", "Whitfield"}, {"Anna", "Kowalska"}, {"Priya", "Sharma"}, {"Lukas", "Schneider"}, {"Sarah", "O'Connor"},
	{"Marco", "Rossi"}, {"Elena", "García"}, {"Tom", "Baker"}, {"Mei", "Chen"}, {"David", "Miller"},
}

var demoTitles = []string{
	"ICT-manager", "office manager", "directeur", "controller", "facilitair manager", "HR-adviseur",
	"operationeel manager", "financieel directeur", "praktijkmanager", "teamleider administratie",
	"medewerker ICT", "applicatiebeheerder", "inkoper", "directiesecretaresse", "managementassistent",
	"hoofd financiën", "projectleider", "receptionist",
}

var demoCallTopics = map[string][]string{
	"hosting": {
		"{name} reported the webshop was slow this morning; {eng} checked the server load and restarted the web service.",
		"{name} asked for an extra test server for a new application; {eng} will set it up this week.",
		"{name} saw a certificate warning on the website; {eng} renewed the certificate the same day.",
		"{name} asked when the next maintenance window on the hosting platform is; told them Saturday night.",
	},
	"backup": {
		"{name} asked for a file to be restored from last Tuesday's backup; {eng} restored it within the hour.",
		"{name} wanted to know how long backups are kept; told them 30 days, longer on request.",
	},
	"monitoring": {
		"Night alert on a full disk; {eng} cleaned up the logs before office hours and told {name}.",
		"{name} asked to add the new file server to the monitoring; {eng} added it.",
	},
	"security": {
		"{name} received a suspicious invoice e-mail; {eng} confirmed it was phishing and blocked the sender.",
		"{name} asked to reset MFA for a colleague with a new phone; {eng} helped straight away.",
	},
	"workplace": {
		"{name} called: a new colleague starts Monday and needs a laptop and a Microsoft 365 account.",
		"{name}'s Outlook kept asking for the password; {eng} solved it remotely.",
		"The printer on the second floor could not be reached; {eng} reinstalled the driver.",
		"{name} asked for two extra Microsoft 365 licences.",
	},
	"connectivity": {
		"{name} reported the office internet was down for twenty minutes; the fibre provider had an outage.",
		"{name} finds the Wi-Fi in the meeting room weak; {eng} will come by for a site survey.",
	},
	"voip": {
		"{name} noticed calls to the switchboard were not forwarded after six; {eng} fixed the time schedule.",
		"{name} asked for two new extensions for the sales team.",
	},
	"training": {
		"{name} asked for the dates of the Teams course for new staff; sent them by e-mail.",
	},
}

var demoGeneralCalls = []string{
	"{name} called for {am}, who was in a meeting; passed the message on.",
	"{name} asked for a copy of last quarter's invoice; forwarded to finance.",
	"{name} had a question about the new price list; put through to {am}.",
	"{name} called to confirm the appointment with {am} next week.",
}

var demoEmails = []string{
	"Sent the renewal quote for {service}.",
	"Sent the quarterly service report for {service}.",
	"Confirmed the maintenance window on Saturday night to {name}.",
	"Sent {name} the copy of the invoice they asked for.",
	"Answered {name}'s questions about the contract terms of {service}.",
}

var demoNotes = []string{
	"{name} is the one who decides about IT; prefers e-mail over phone.",
	"They are moving offices in the spring; internet and Wi-Fi will be needed at the new address.",
	"The contract for {service} runs for another year; they want a proposal two months before it ends.",
	"Growing fast: ten new employees expected this year.",
	"Happy with {service}; compared prices last year but stayed.",
}

var demoVisits = []string{
	"Quarterly review with {name} at their office; satisfied with {service}.",
	"Introduced {name} to the service desk team; agreed how to report urgent issues.",
	"Yearly review: went through the roadmap and the budget for next year.",
}

var demoCare = []string{
	"Proactive check-in: everything runs fine, no wishes.",
	"Check-in call with {name}: satisfied; asked to be kept informed about security news.",
	"Check-in after last month's outage: all stable again, {name} appreciated the call.",
}

var demoCallbacks = []string{
	"{name} would like to be called back about the invoice.",
	"{name} asked for a call back about adding users.",
	"{name} asked to be called back about an error message on the server.",
	"{name} wants to discuss the renewal; please call back.",
}

var demoDoneNotes = []string{
	"Called back; sorted.",
	"Called back and sent the details by e-mail.",
	"Called back; appointment made.",
	"Reached them on the second try; question answered.",
}

var demoLeaving = []string{
	"they merged with a company that has its own IT department.",
	"they moved to a supplier closer to their new office.",
	"the company stopped trading.",
	"they took the work in-house.",
}
