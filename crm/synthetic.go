package crm

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Synthetic describes a made-up register for benchmarks, load tests and
// demos: Contacts people over about Contacts/4 organisations, with Dutch
// mobile, direct-dial and switchboard numbers across many area codes, some
// registered number ranges, account managers and subscriptions. Everything
// is a pure function of Seed: the same Synthetic always writes the same
// files, and Samples can name numbers for each recognition outcome without
// reading them back.
//
// Numbers are unique where the real world has them unique: each contact's
// mobile and direct number, each organisation's switchboard and range.
// Every number is valid for phone.Normalise with default region NL.
//
// Make one with NewSynthetic; it is then safe for concurrent use.
type Synthetic struct {
	Contacts int
	Seed     int64

	layout []int32 // layout[j] is the first contact of organisation j; built on demand
}

// NewSynthetic describes a register of n contacts.
func NewSynthetic(n int, seed int64) *Synthetic {
	g := &Synthetic{Contacts: max(n, 0), Seed: seed}
	g.orgs()
	return g
}

// WriteSyntheticRegister writes the contacts file of a synthetic register
// of n contacts; see Synthetic for the matching employees and services.
func WriteSyntheticRegister(w io.Writer, n int, seed int64) error {
	return NewSynthetic(n, seed).WriteContacts(w)
}

// SeedSynthetic imports the synthetic register g into s: services,
// employees, then contacts (streamed, never held in memory whole). The
// report is that of the contacts import.
func SeedSynthetic(ctx context.Context, s *Store, g *Synthetic, opt ImportOptions) (ImportReport, error) {
	for _, step := range []struct {
		write func(io.Writer) error
		read  func(context.Context, io.Reader, ImportOptions) (ImportReport, error)
		what  string
	}{
		{g.WriteServices, s.ImportServices, "services"},
		{g.WriteEmployees, s.ImportEmployees, "employees"},
		{g.WriteContacts, s.ImportContacts, "contacts"},
	} {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(step.write(pw)) }()
		o := ImportOptions{BatchRows: opt.BatchRows}
		if step.what == "contacts" {
			o.Progress = opt.Progress
		}
		rep, err := step.read(ctx, pr, o)
		pr.CloseWithError(io.ErrClosedPipe) // unblocks the writer if the import stopped early
		if err != nil {
			return rep, fmt.Errorf("seeding synthetic %s: %w", step.what, err)
		}
		if rep.Failed > 0 {
			return rep, fmt.Errorf("seeding synthetic %s: %d bad rows, first: %w", step.what, rep.Failed, &rep.Errors[0])
		}
		if step.what == "contacts" {
			return rep, nil
		}
	}
	return ImportReport{}, nil
}

// ---- deterministic randomness ----

// hash mixes the seed, a purpose and an index into 64 random-looking bits
// (SplitMix64's finaliser), so every attribute is a pure function of its
// entity's index and the seed.
func (g *Synthetic) hash(purpose uint64, i int) uint64 {
	z := uint64(g.Seed)*0x9E3779B97F4A7C15 ^ purpose*0xD1B54A32D192ED03 ^ uint64(i)*0x94D049BB133111EB
	z ^= z >> 30
	z *= 0xBF58476D1CE4E5B9
	z ^= z >> 27
	z *= 0x94D049BB133111EB
	z ^= z >> 31
	return z
}

func (g *Synthetic) pick(purpose uint64, i, n int) int { return int(g.hash(purpose, i) % uint64(n)) }

// Purposes, so that attributes of one entity are independent.
const (
	synHSize = iota + 1
	synHStatus
	synHSince
	synHValue
	synHManager
	synHServices
	synHSwitchboard
	synHRange
	synHSuffix
	synHFirst
	synHLast
	synHRole
	synHEmail
	synHLang
	synHMobile
	synHDirect
	synHFormat
	synHPerm
)

// perm is a bijection on [0, n): an affine map with a multiplier coprime
// to n, so distinct indices get distinct values (unique numbers and names).
func (g *Synthetic) perm(purpose uint64, i, n int) int {
	a := g.hash(purpose, -1)%uint64(n) | 1
	for synGCD(a, uint64(n)) != 1 {
		a += 2
	}
	c := g.hash(purpose, -2) % uint64(n)
	return int((a%uint64(n)*uint64(i%n) + c) % uint64(n))
}

func synGCD(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ---- layout ----

// orgSize is how many contacts organisation j has: 3 in 100 have none (a
// prospect known only by its switchboard), the rest 1 to 7.
func (g *Synthetic) orgSize(j int) int {
	if g.pick(synHSize, j, 100) < 3 {
		return 0
	}
	return 1 + g.pick(synHSize, j+1<<40, 7)
}

// orgs returns the first contact of each organisation, plus a final entry
// equal to Contacts.
func (g *Synthetic) orgs() []int32 {
	if g.layout != nil {
		return g.layout
	}
	out := make([]int32, 0, g.Contacts/3+2)
	for j, next := 0, 0; ; j++ {
		out = append(out, int32(next))
		next = min(next+g.orgSize(j), g.Contacts)
		if next >= g.Contacts {
			break
		}
	}
	g.layout = append(out, int32(g.Contacts))
	return g.layout
}

// Organisations is how many organisations the register has.
func (g *Synthetic) Organisations() int { return len(g.orgs()) - 1 }

// ---- numbers ----

// Mobile numbers are 06-[1-5]xxxxxxx: 50 million of them, handed out by a
// permutation of an index. Contacts use indexes [0, Contacts), employees
// the top of the space, and unknown samples the indexes above Contacts.
const synMobileSpace = 50_000_000

func (g *Synthetic) mobileDigits(idx int) string {
	m := g.perm(synHMobile, idx, synMobileSpace)
	return "6" + strconv.Itoa(1+m/10_000_000) + fmt.Sprintf("%07d", m%10_000_000)
}

// synArea is a Dutch geographic area code (without the trunk 0) and how many
// 100-number blocks the synthetic register may use in it.
type synArea struct {
	code   string
	blocks int
}

// Two-digit areas have 7-digit subscriber numbers (blocks 20000-99999),
// three-digit areas 6-digit ones (blocks 2000-9999).
var synAreas = func() []synArea {
	var out []synArea
	for _, c := range []string{"10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38", "40",
		"43", "45", "46", "50", "53", "55", "58", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79"} {
		out = append(out, synArea{c, 80_000})
	}
	for _, c := range []string{"111", "113", "114", "115", "117", "118", "161", "162", "164", "165", "166",
		"167", "168", "172", "174", "180", "181", "182", "183", "184", "186", "187", "222", "223", "224",
		"226", "227", "228", "229", "251", "252", "255", "294", "297", "299", "313", "314", "315", "316",
		"317", "318", "320", "321", "341", "342", "343", "344", "345", "346", "347", "348", "411", "412",
		"413", "416", "418", "475", "478", "481", "485", "486", "487", "488", "492", "493", "495", "497",
		"499", "511", "512", "513", "514", "515", "516", "517", "518", "519", "521", "522", "523", "524",
		"525", "527", "528", "529", "541", "543", "544", "545", "546", "547", "548", "561", "562", "566",
		"570", "571", "572", "573", "575", "577", "578", "591", "592", "593", "594", "595", "596", "597",
		"598", "599"} {
		out = append(out, synArea{c, 8_000})
	}
	return out
}()

var synBlockSpace = func() int {
	n := 0
	for _, a := range synAreas {
		n += a.blocks
	}
	return n
}()

// block returns the area and 100-number block of organisation j, or, for
// j >= Organisations, a block no organisation uses.
func (g *Synthetic) block(j int) (synArea, int) {
	b := g.perm(synHPerm, j, synBlockSpace)
	for _, a := range synAreas {
		if b < a.blocks {
			if len(a.code) == 2 {
				return a, 20_000 + b
			}
			return a, 2_000 + b
		}
		b -= a.blocks
	}
	panic("unreachable")
}

// geoDigits is the national significant number of line n (0-99) in org j's block.
func (g *Synthetic) geoDigits(j, line int) (synArea, string) {
	a, b := g.block(j)
	return a, a.code + strconv.Itoa(b) + fmt.Sprintf("%02d", line)
}

// Lines within a block: 00 the switchboard, 10-17 direct dials, 99 never
// assigned (so it is recognised through the range, if any).
const (
	synLineSwitchboard = 0
	synLineDirect      = 10
	synLineUnassigned  = 99
)

// synMobileText writes national digits "6xxxxxxxx" the ways people do.
func synMobileText(d string, style int) string {
	switch style % 4 {
	case 0:
		return "06 " + d[1:5] + " " + d[5:]
	case 1:
		return "06-" + d[1:]
	case 2:
		return "+31 6 " + d[1:]
	default:
		return "0" + d
	}
}

// synGeoText writes a geographic number given its area.
func synGeoText(a synArea, d string, style int) string {
	sub := d[len(a.code):]
	switch style % 4 {
	case 0:
		if len(sub) == 7 {
			return "0" + a.code + " " + sub[:3] + " " + sub[3:]
		}
		return "0" + a.code + " " + sub[:3] + " " + sub[3:]
	case 1:
		return "0" + a.code + "-" + sub
	case 2:
		return "+31 " + a.code + " " + sub
	default:
		return "(0" + a.code + ") " + sub
	}
}

// ---- names ----

var (
	synSurnames = []string{"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
		"Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
		"Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
		"van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Jong", "van der Heijden", "Schouten",
		"Beekman", "Willems", "van Wijk", "Postma", "Huisman", "Kuipers", "Verhoeven", "Maas", "Prins", "Blom",
		"Koster", "Wouters", "Timmermans", "Groen", "Koning", "Veenstra", "Hoekstra", "Evers", "Scholten",
		"Martens", "Verbeek", "Hermans", "Kramer", "Claassen", "Wolters", "Lammers"}
	synTrades = []string{"Installatietechniek", "Bouw", "Accountants", "Advocaten", "Logistiek", "Tandartsen",
		"Makelaardij", "Notarissen", "Fysiotherapie", "Architecten", "Transport", "Metaalbewerking", "Drukkerij",
		"Schilders", "Hoveniers", "Elektrotechniek", "Autoschade", "Verhuizingen", "Catering", "Schoonmaak",
		"Dakwerken", "Keukens", "Tweewielers", "Optiek", "Administratie", "Consultancy", "Interieurbouw",
		"Glashandel", "Bloemen", "Loodgieters"}
	synCities = []string{"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere",
		"Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaandam", "Zwolle",
		"Leiden", "Maastricht", "Dordrecht", "Ede", "Alphen", "Alkmaar", "Emmen", "Delft", "Venlo", "Deventer",
		"Helmond", "Oss", "Hilversum", "Heerlen", "Hoofddorp", "Purmerend", "Roosendaal", "Schiedam", "Spijkenisse",
		"Vlaardingen", "Gouda", "Hoorn", "Assen", "Veenendaal"}
	synSuffixes = []string{" B.V.", " BV", "", " & Zn.", " Groep", " V.O.F.", " N.V.", " Holding"}
	synFirst    = []string{"Anna", "Martijn", "Sanne", "Pieter", "Lotte", "Jeroen", "Femke", "Bas", "Iris", "Thijs",
		"Eva", "Ruben", "Noor", "Daan", "Lisa", "Sem", "Julia", "Lars", "Emma", "Tim", "Sophie", "Joost", "Fleur",
		"Koen", "Anouk", "Niels", "Marloes", "Wouter", "Esther", "Rik", "Ilse", "Maarten", "Karin", "Hans",
		"Mieke", "Gert", "Yvonne", "Sander", "Linda", "Mohamed", "Fatima", "Ahmed", "Priya", "Wei", "Olga"}
	synLast = []string{"Jansen", "de Vries", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
		"de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
		"de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "de Haan", "Vermeulen",
		"van den Heuvel", "Yilmaz", "El Amrani", "Nguyen", "Kowalski", "van Vliet", "Bosman", "Huisman"}
	synRoles = []string{"Directeur", "Office manager", "Financieel administrateur", "Eigenaar", "Inkoper",
		"Projectleider", "Secretaresse", "IT-coördinator", "Bedrijfsleider", "Receptionist", "Controller",
		"HR-adviseur", "Vennoot", "Praktijkmanager", "Planner"}
)

// orgBaseName is unique per organisation: surname, trade and city chosen
// by a permutation of j, with a number when all triples are used up.
func (g *Synthetic) orgBaseName(j int) string {
	base := len(synSurnames) * len(synTrades) * len(synCities)
	x := g.perm(synHPerm+1, j%base, base)
	name := synSurnames[x%len(synSurnames)] + " " + synTrades[x/len(synSurnames)%len(synTrades)] + " " +
		synCities[x/(len(synSurnames)*len(synTrades))]
	if r := j / base; r > 0 {
		name += " " + strconv.Itoa(r+1)
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func (g *Synthetic) orgName(j int) string {
	return g.orgBaseName(j) + synSuffixes[g.pick(synHSuffix, j, len(synSuffixes))]
}

func synSlug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if n := b.Len(); n > 0 && b.String()[n-1] != '-' {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

// ---- organisations and contacts ----

// synOrgRow is what the contacts file says about organisation j.
type synOrgRow struct {
	name, status, since, value, manager, services string
	switchboard, ranges                           string
}

// synEmployees are the synthetic staff; entries 3 to 7 are the account
// managers organisations are assigned to.
var synEmployees = []struct{ name, role, ext string }{
	{"Anja Receptie", "receptionist", "201"},
	{"Bram Balie", "receptionist", "202"},
	{"Carla Voorportaal", "receptionist", "203"},
	{"Dirk Accountbeheer", "account_manager", "211"},
	{"Eline Relatie", "account_manager", "212"},
	{"Frank Klantzorg", "account_manager", "213"},
	{"Greet Verkoop", "account_manager", "214"},
	{"Hugo Beheer", "account_manager", "215"},
	{"Ingrid Service", "service_manager", "221"},
	{"Jasper Dienst", "service_manager", "222"},
	{"Karel Admin", "admin", "231"},
	{"Lieke Techniek", "engineer", "241"},
}

var synServices = []struct{ code, name, pitch, keywords, complements string }{
	{"hosting", "Managed hosting", "We run your servers in our Dutch data centre.", "server website hosting cloud", ""},
	{"backup", "Online backup", "Every file safe off-site, restored within the hour.", "backup restore ransomware", "hosting:0.8; m365:0.6"},
	{"m365", "Microsoft 365 beheer", "We look after your mail, Teams and licences.", "email mail teams office", ""},
	{"security", "Security monitoring", "We watch your network around the clock.", "security firewall virus phishing", "hosting:0.5; m365:0.7"},
	{"voip", "Hosted telephony", "Your telephone system in the cloud, numbers kept.", "phone telephony voip calls", "connectivity:0.7"},
	{"connectivity", "Business fibre", "Fast, stable fibre with a fixed IP.", "internet fibre network wifi", ""},
	{"support", "Service desk", "One number for every IT question.", "helpdesk support laptop printer", "m365:0.5; hosting:0.4"},
	{"training", "Security awareness training", "Teach your staff to spot phishing.", "training phishing awareness", "security:0.9"},
}

func (g *Synthetic) org(j int, contacts int) synOrgRow {
	o := synOrgRow{name: g.orgName(j)}
	switch p := g.pick(synHStatus, j, 100); {
	case contacts == 0 || p < 3:
		o.status = "prospect"
	case p < 10:
		o.status = "former"
	default:
		o.status = "active"
	}
	if o.status != "prospect" {
		d := time.Date(1998, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.pick(synHSince, j, 10_000))
		o.since = d.Format(DateLayout)
		v := 500 + g.pick(synHValue, j, 250_000)
		o.value = strconv.Itoa(v)
		if v%4 == 0 {
			o.value += ".50"
		}
		m := 3 + g.pick(synHManager, j, 5) // the account managers
		o.manager = synEmployees[m].name
		k := g.pick(synHServices, j, 4)
		first := g.pick(synHServices, j+1<<40, len(synServices))
		var codes []string
		for s := range k {
			codes = append(codes, synServices[(first+s)%len(synServices)].code)
		}
		o.services = strings.Join(codes, "; ")
	}
	style := g.pick(synHFormat, j, 4)
	if contacts == 0 || g.pick(synHSwitchboard, j, 100) < 75 {
		a, d := g.geoDigits(j, synLineSwitchboard)
		o.switchboard = "switchboard:" + synGeoText(a, d, style)
	}
	if g.hasRange(j) {
		a, d := g.geoDigits(j, 0)
		p := d[:len(d)-2]
		if style%2 == 0 {
			o.ranges = "0" + a.code + " " + p[len(a.code):]
		} else {
			o.ranges = "+31 " + a.code + " " + p[len(a.code):]
		}
	}
	return o
}

// hasRange: one organisation in five has registered its direct-dial block.
func (g *Synthetic) hasRange(j int) bool { return g.pick(synHRange, j, 100) < 20 }

// hasMobile and hasDirect: most people have a mobile, many a direct line,
// everyone at least one of them.
func (g *Synthetic) hasMobile(i int) bool { return g.pick(synHMobile, i, 100) < 80 }
func (g *Synthetic) hasDirect(i int) bool { return !g.hasMobile(i) || g.pick(synHDirect, i, 100) < 55 }

// WriteContacts writes the contacts file.
func (g *Synthetic) WriteContacts(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(contactColumnNames); err != nil {
		return err
	}
	layout := g.orgs()
	rec := make([]string, len(contactColumnNames))
	for j := 0; j+1 < len(layout); j++ {
		first, end := int(layout[j]), int(layout[j+1])
		o := g.org(j, end-first)
		clear(rec)
		rec[ccOrganisation], rec[ccAccountManager], rec[ccClientSince] = o.name, o.manager, o.since
		rec[ccAnnualValue], rec[ccServices], rec[ccStatus] = o.value, o.services, o.status
		if o.switchboard != "" || o.ranges != "" || first == end {
			rec[ccPhone], rec[ccNumberRanges] = o.switchboard, o.ranges
			if err := cw.Write(rec); err != nil {
				return err
			}
			rec[ccPhone], rec[ccNumberRanges] = "", ""
		}
		domain := synSlug(g.orgBaseName(j)) + ".nl"
		used := map[string]bool{}
		for i := first; i < end; i++ {
			name := g.contactName(i, used)
			rec[ccContact] = name
			rec[ccRole] = synRoles[g.pick(synHRole, i, len(synRoles))]
			rec[ccEmail] = ""
			if g.pick(synHEmail, i, 100) < 85 {
				rec[ccEmail] = synSlug(name) + "@" + domain
			}
			switch p := g.pick(synHLang, i, 100); {
			case p < 85:
				rec[ccLanguage] = "nl"
			case p < 95:
				rec[ccLanguage] = "en"
			default:
				rec[ccLanguage] = ""
			}
			rec[ccPhone] = g.contactNumbers(j, i, first)
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// contactName is a first and last name, unique within the organisation.
func (g *Synthetic) contactName(i int, used map[string]bool) string {
	f, l := g.pick(synHFirst, i, len(synFirst)), g.pick(synHLast, i, len(synLast))
	for {
		name := synFirst[f] + " " + synLast[l]
		if !used[key(name)] {
			used[key(name)] = true
			return name
		}
		f = (f + 1) % len(synFirst)
		if f == 0 {
			l = (l + 1) % len(synLast)
		}
	}
}

func (g *Synthetic) contactNumbers(j, i, first int) string {
	style := g.pick(synHFormat, i+1<<40, 4)
	var parts []string
	if g.hasMobile(i) {
		parts = append(parts, synMobileText(g.mobileDigits(i), style))
	}
	if g.hasDirect(i) {
		a, d := g.geoDigits(j, synLineDirect+i-first)
		parts = append(parts, "direct:"+synGeoText(a, d, style+1))
	}
	return strings.Join(parts, "; ")
}

// WriteEmployees writes the employees file: a dozen staff, five of them
// account managers, each with a mobile number.
func (g *Synthetic) WriteEmployees(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(employeeColumnNames); err != nil {
		return err
	}
	for e, emp := range synEmployees {
		email := synSlug(emp.name) + "@callcard.example"
		phone := "mobile:" + synMobileText(g.mobileDigits(synMobileSpace-1-e), e)
		if err := cw.Write([]string{emp.name, email, emp.role, emp.ext, phone}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteServices writes the services file: a small catalogue with complements.
func (g *Synthetic) WriteServices(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(serviceColumnNames); err != nil {
		return err
	}
	for _, s := range synServices {
		if err := cw.Write([]string{s.code, s.name, s.pitch, s.keywords, s.complements}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Samples returns up to n numbers, spread over the register, that
// Recognise resolves to outcome m: MatchContact (a contact's mobile or
// direct line), MatchOrganisation (a switchboard), MatchNumberRange (an
// unassigned line in a registered block), MatchEmployee, MatchUnknown and
// MatchWithheld. Other outcomes, or a register without such numbers, give
// an empty list.
func (g *Synthetic) Samples(m Match, n int) []string {
	if n <= 0 {
		return nil
	}
	layout := g.orgs()
	orgs := len(layout) - 1
	var out []string
	// scan visits indexes 0..limit-1 in a stride that spreads n picks.
	scan := func(limit int, try func(k int) (string, bool)) {
		if limit <= 0 {
			return
		}
		stride := max(1, limit/n)
		for pass := 0; pass < stride && len(out) < n; pass++ {
			for k := pass; k < limit && len(out) < n; k += stride {
				if s, ok := try(k); ok {
					out = append(out, s)
				}
			}
		}
	}
	switch m {
	case MatchContact:
		scan(g.Contacts, func(i int) (string, bool) {
			if g.hasMobile(i) {
				return synMobileText(g.mobileDigits(i), i), true
			}
			j := g.orgOf(i)
			a, d := g.geoDigits(j, synLineDirect+i-int(layout[j]))
			return synGeoText(a, d, i), true
		})
	case MatchOrganisation:
		scan(orgs, func(j int) (string, bool) {
			size := int(layout[j+1] - layout[j])
			if size > 0 && g.pick(synHSwitchboard, j, 100) >= 75 {
				return "", false
			}
			a, d := g.geoDigits(j, synLineSwitchboard)
			return synGeoText(a, d, j), true
		})
	case MatchNumberRange:
		scan(orgs, func(j int) (string, bool) {
			if !g.hasRange(j) {
				return "", false
			}
			a, d := g.geoDigits(j, synLineUnassigned)
			return synGeoText(a, d, j), true
		})
	case MatchEmployee:
		scan(len(synEmployees), func(e int) (string, bool) {
			return "+31" + g.mobileDigits(synMobileSpace-1-e), true
		})
	case MatchUnknown:
		// Alternately a mobile nobody has and a line in a block nobody uses.
		scan(n, func(k int) (string, bool) {
			if k%2 == 0 {
				return synMobileText(g.mobileDigits(g.Contacts+k), k), true
			}
			a, d := g.geoDigits(orgs+k, 50)
			return synGeoText(a, d, k), true
		})
	case MatchWithheld:
		forms := []string{"anonymous", "", "Anonymous <sip:anonymous@anonymous.invalid>", "restricted"}
		for k := range n {
			out = append(out, forms[k%len(forms)])
		}
	}
	return out
}

// orgOf finds the organisation of contact i.
func (g *Synthetic) orgOf(i int) int {
	layout := g.orgs()
	lo, hi := 0, len(layout)-2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if int(layout[mid]) <= i {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo // the last of any that start at i: the others are empty
}
