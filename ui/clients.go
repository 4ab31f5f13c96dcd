package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// clientsData is the client list: a number match on top, name matches below.
type clientsData struct {
	Q       string
	Number  string           // the number searched for, nationally written
	Match   *crm.Recognition // nil unless q is a number someone holds
	Clients []crm.Organisation
	CanAdd  bool
}

// clients searches the register by name or by a number in any format; an
// empty search lists the first 50 clients by name.
func (s *Server) clients(c echo.Context) error {
	ctx := c.Request().Context()
	q := strings.TrimSpace(c.QueryParam("q"))
	d := clientsData{Q: q, CanAdd: isManager(c)}
	if q != "" {
		rec, err := s.cfg.Store.Recognise(ctx, q)
		switch {
		case crm.ErrorCode(err) == crm.CodeInvalid:
			// Not a number: a name search only.
		case err != nil:
			return err
		case rec.Match != crm.MatchUnknown && rec.Match != crm.MatchWithheld:
			d.Match = &rec
			d.Number = firstNonEmpty(rec.Number.National, rec.Number.E164, q)
		}
	}
	orgs, err := s.cfg.Store.SearchOrganisations(ctx, q, 50)
	if err != nil {
		return err
	}
	d.Clients = orgs
	return s.render(c, http.StatusOK, "clients", d)
}

// organisationData is the organisation page.
type organisationData struct {
	Org           crm.Organisation
	Years         int
	Contacts      []crm.Contact
	Subscriptions []crm.Subscription
	History       []crm.Interaction
	CanEdit       bool // commercial fields and deleting numbers
	Saved         bool
}

func (s *Server) organisationPage(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "organisation")
	if err != nil {
		return err
	}
	org, err := s.cfg.Store.Organisation(ctx, id)
	if err != nil {
		return err
	}
	d := organisationData{Org: org, Years: crm.YearsBetween(org.ClientSince, s.now()), CanEdit: isManager(c),
		Saved: c.QueryParam("saved") != ""}
	if d.Contacts, err = s.cfg.Store.Contacts(ctx, id); err != nil {
		return err
	}
	if d.Subscriptions, err = s.cfg.Store.Subscriptions(ctx, id); err != nil {
		return err
	}
	if d.History, err = s.cfg.Store.Interactions(ctx, id, 50); err != nil {
		return err
	}
	for i := range d.History {
		d.History[i].OccurredAt = d.History[i].OccurredAt.In(s.cfg.Location)
	}
	return s.render(c, http.StatusOK, "organisation", d)
}

// organisationForm is the add/edit form for an organisation as typed.
type organisationForm struct {
	Name, Status, ClientSince, AnnualValue, AccountManager string
	Phone, NumberRange                                     string // one more of each to add
}

// organisationFields are the inputs a domain error can point at.
var organisationFields = []string{"name", "status", "client_since", "annual_value", "account_manager", "phone", "number_ranges"}

func readOrganisationForm(c echo.Context) organisationForm {
	return organisationForm{
		Name: c.FormValue("name"), Status: c.FormValue("status"), ClientSince: c.FormValue("client_since"),
		AnnualValue: c.FormValue("annual_value"), AccountManager: c.FormValue("account_manager"),
		Phone: strings.TrimSpace(c.FormValue("phone")), NumberRange: strings.TrimSpace(c.FormValue("number_ranges")),
	}
}

// organisationFormOf fills the form with what is stored.
func organisationFormOf(o crm.Organisation) organisationForm {
	f := organisationForm{Name: o.Name, Status: string(o.Status), AnnualValue: o.AnnualValue.String()}
	if !o.ClientSince.IsZero() {
		f.ClientSince = o.ClientSince.Format(crm.DateLayout)
	}
	if o.AccountManagerID != 0 {
		f.AccountManager = formatID(o.AccountManagerID)
	}
	return f
}

func (f organisationForm) input() (crm.OrganisationInput, error) {
	status, err := crm.ParseOrgStatus("status", f.Status)
	if err != nil {
		return crm.OrganisationInput{}, err
	}
	since, err := crm.ParseDate("client_since", f.ClientSince)
	if err != nil {
		return crm.OrganisationInput{}, err
	}
	value, err := crm.ParseMoney("annual_value", f.AnnualValue)
	if err != nil {
		return crm.OrganisationInput{}, err
	}
	var am int64
	if v := strings.TrimSpace(f.AccountManager); v != "" {
		if am, err = strconv.ParseInt(v, 10, 64); err != nil || am < 0 {
			return crm.OrganisationInput{}, crm.Errorf(crm.CodeInvalid, "account_manager", "choose an account manager from the list")
		}
	}
	in := crm.OrganisationInput{Name: f.Name, Status: status, ClientSince: since, AnnualValue: value, AccountManagerID: am}
	if f.Phone != "" {
		in.Numbers = []crm.NumberInput{{Raw: f.Phone, Label: crm.LabelSwitchboard}}
	}
	if f.NumberRange != "" {
		in.Ranges = []string{f.NumberRange}
	}
	return in, nil
}

// organisationFormData is the add/edit organisation page.
type organisationFormData struct {
	Org       *crm.Organisation // nil when adding
	Form      organisationForm
	Employees []crm.Employee
	Statuses  []crm.OrgStatus
	Errors    fieldErrors
}

func (s *Server) fillOrganisationForm(c echo.Context, d *organisationFormData) error {
	var err error
	if d.Employees, err = s.cfg.Store.Employees(c.Request().Context()); err != nil {
		return err
	}
	d.Statuses = []crm.OrgStatus{crm.StatusActive, crm.StatusProspect, crm.StatusFormer}
	return nil
}

func (s *Server) newOrganisationForm(c echo.Context) error {
	d := &organisationFormData{Form: organisationForm{Status: string(crm.StatusActive)}}
	if err := s.fillOrganisationForm(c, d); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "organisation_form", d)
}

func (s *Server) createOrganisation(c echo.Context) error {
	d := &organisationFormData{Form: readOrganisationForm(c)}
	if err := s.fillOrganisationForm(c, d); err != nil {
		return err
	}
	in, err := d.Form.input()
	if err == nil {
		var org crm.Organisation
		if org, err = s.cfg.Store.CreateOrganisation(c.Request().Context(), in); err == nil {
			s.audit(c, crm.AuditOrganisationCreate, "organisation", org.ID)
			return c.Redirect(http.StatusSeeOther, "/clients/"+formatID(org.ID)+"?saved=1")
		}
	}
	return s.formFailed(c, err, "organisation_form", d, &d.Errors, organisationFields...)
}

func (s *Server) editOrganisationForm(c echo.Context) error {
	id, err := pathID(c, "organisation")
	if err != nil {
		return err
	}
	org, err := s.cfg.Store.Organisation(c.Request().Context(), id)
	if err != nil {
		return err
	}
	d := &organisationFormData{Org: &org, Form: organisationFormOf(org)}
	if err := s.fillOrganisationForm(c, d); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "organisation_form", d)
}

func (s *Server) updateOrganisation(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "organisation")
	if err != nil {
		return err
	}
	org, err := s.cfg.Store.Organisation(ctx, id)
	if err != nil {
		return err
	}
	d := &organisationFormData{Org: &org, Form: readOrganisationForm(c)}
	if err := s.fillOrganisationForm(c, d); err != nil {
		return err
	}
	in, err := d.Form.input()
	if err == nil {
		if _, err = s.cfg.Store.UpdateOrganisation(ctx, id, in); err == nil {
			s.audit(c, crm.AuditOrganisationUpdate, "organisation", id)
			return c.Redirect(http.StatusSeeOther, "/clients/"+formatID(id)+"?saved=1")
		}
	}
	return s.formFailed(c, err, "organisation_form", d, &d.Errors, organisationFields...)
}

// contactForm is the add/edit form for a person as typed.
type contactForm struct {
	Name, JobTitle, Email, Language string
	Phone, Label                    string // one more number to add
}

var contactFields = []string{"name", "job_title", "email", "language", "phone", "label"}

func readContactForm(c echo.Context) contactForm {
	return contactForm{Name: c.FormValue("name"), JobTitle: c.FormValue("job_title"), Email: c.FormValue("email"),
		Language: c.FormValue("language"), Phone: strings.TrimSpace(c.FormValue("phone")), Label: c.FormValue("label")}
}

func (f contactForm) input(orgID int64) (crm.ContactInput, error) {
	in := crm.ContactInput{OrganisationID: orgID, Name: f.Name, JobTitle: f.JobTitle, Email: f.Email}
	switch lang := strings.TrimSpace(f.Language); lang {
	case "", "nl", "en", "de", "fr":
		in.Language = lang
	default:
		return crm.ContactInput{}, crm.Errorf(crm.CodeInvalid, "language", "choose a language from the list")
	}
	label, err := crm.ParseLabel("label", f.Label)
	if err != nil {
		return crm.ContactInput{}, err
	}
	if f.Phone != "" {
		in.Numbers = []crm.NumberInput{{Raw: f.Phone, Label: label}}
	}
	return in, nil
}

// contactFormData is the add/edit contact page.
type contactFormData struct {
	Org       *crm.Organisation // nil for a contact not linked to an organisation
	Contact   *crm.Contact      // nil when adding
	Form      contactForm
	Labels    []crm.Label
	Languages []string
	CanDelete bool
	Saved     bool
	Errors    fieldErrors
}

func newContactFormData(c echo.Context, org *crm.Organisation, contact *crm.Contact, f contactForm) *contactFormData {
	return &contactFormData{Org: org, Contact: contact, Form: f, CanDelete: isManager(c),
		Labels:    []crm.Label{crm.LabelMobile, crm.LabelDirect, crm.LabelSwitchboard, crm.LabelHome, crm.LabelOther},
		Languages: []string{"nl", "en", "de", "fr"}}
}

func (s *Server) newContactForm(c echo.Context) error {
	id, err := pathID(c, "organisation")
	if err != nil {
		return err
	}
	org, err := s.cfg.Store.Organisation(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "contact_form", newContactFormData(c, &org, nil, contactForm{}))
}

func (s *Server) createContact(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "organisation")
	if err != nil {
		return err
	}
	org, err := s.cfg.Store.Organisation(ctx, id)
	if err != nil {
		return err
	}
	d := newContactFormData(c, &org, nil, readContactForm(c))
	in, err := d.Form.input(org.ID)
	if err == nil {
		var ct crm.Contact
		if ct, err = s.cfg.Store.CreateContact(ctx, in); err == nil {
			s.audit(c, crm.AuditContactCreated, "contact", ct.ID)
			return c.Redirect(http.StatusSeeOther, "/clients/"+formatID(org.ID)+"?saved=1#contact-"+formatID(ct.ID))
		}
	}
	return s.formFailed(c, err, "contact_form", d, &d.Errors, contactFields...)
}

// contactAndOrg reads the contact in the path and its organisation, if any.
func (s *Server) contactAndOrg(c echo.Context) (crm.Contact, *crm.Organisation, error) {
	ctx := c.Request().Context()
	id, err := pathID(c, "contact")
	if err != nil {
		return crm.Contact{}, nil, err
	}
	ct, err := s.cfg.Store.Contact(ctx, id)
	if err != nil {
		return crm.Contact{}, nil, err
	}
	if ct.OrganisationID == 0 {
		return ct, nil, nil
	}
	org, err := s.cfg.Store.Organisation(ctx, ct.OrganisationID)
	if err != nil {
		return crm.Contact{}, nil, err
	}
	return ct, &org, nil
}

func (s *Server) editContactForm(c echo.Context) error {
	ct, org, err := s.contactAndOrg(c)
	if err != nil {
		return err
	}
	f := contactForm{Name: ct.Name, JobTitle: ct.JobTitle, Email: ct.Email, Language: ct.Language}
	d := newContactFormData(c, org, &ct, f)
	d.Saved = c.QueryParam("saved") != ""
	return s.render(c, http.StatusOK, "contact_form", d)
}

func (s *Server) updateContact(c echo.Context) error {
	ct, org, err := s.contactAndOrg(c)
	if err != nil {
		return err
	}
	d := newContactFormData(c, org, &ct, readContactForm(c))
	// The contact stays with its organisation; moving people is not this form's job.
	in, err := d.Form.input(ct.OrganisationID)
	if err == nil {
		if _, err = s.cfg.Store.UpdateContact(c.Request().Context(), ct.ID, in); err == nil {
			s.audit(c, crm.AuditContactUpdated, "contact", ct.ID)
			if org == nil {
				return c.Redirect(http.StatusSeeOther, "/contacts/"+formatID(ct.ID)+"/edit?saved=1")
			}
			return c.Redirect(http.StatusSeeOther, "/clients/"+formatID(org.ID)+"?saved=1#contact-"+formatID(ct.ID))
		}
	}
	return s.formFailed(c, err, "contact_form", d, &d.Errors, contactFields...)
}

// deleteNumber removes one stored number and goes back to the page the
// button was on.
func (s *Server) deleteNumber(c echo.Context) error {
	id, err := pathID(c, "number")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteNumber(c.Request().Context(), id); err != nil {
		return err
	}
	back := safeNext(c.FormValue("back"))
	if back == "/" {
		back = "/clients"
	}
	return c.Redirect(http.StatusSeeOther, back)
}
