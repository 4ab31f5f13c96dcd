package ui

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// The staff register and the service catalogue, kept by admins.

// employeeForm is the add/edit employee form as typed.
type employeeForm struct{ Name, Email, Role, Extension, Mobile string }

// employeeFields are the inputs a domain error can point at; the store
// calls the mobile number "phone".
var employeeFields = []string{"name", "email", "role", "extension", "phone"}

func readEmployeeForm(c echo.Context) employeeForm {
	return employeeForm{Name: c.FormValue("name"), Email: strings.TrimSpace(c.FormValue("email")),
		Role: c.FormValue("role"), Extension: c.FormValue("extension"), Mobile: strings.TrimSpace(c.FormValue("phone"))}
}

func (f employeeForm) input() (crm.EmployeeInput, error) {
	role, err := crm.ParseRole("role", f.Role)
	if err != nil {
		return crm.EmployeeInput{}, err
	}
	in := crm.EmployeeInput{Name: f.Name, Email: f.Email, Role: role, Extension: f.Extension}
	if f.Mobile != "" {
		in.Numbers = []crm.NumberInput{{Raw: f.Mobile, Label: crm.LabelMobile}}
	}
	return in, nil
}

// adminEmployeesData is the staff page: the list and one form.
type adminEmployeesData struct {
	Employees []crm.Employee
	Roles     []crm.Role
	Editing   *crm.Employee // nil: the form adds
	Form      employeeForm
	Saved     bool
	Errors    fieldErrors
}

func (s *Server) adminEmployeesPage(c echo.Context, status int, d *adminEmployeesData) error {
	ctx := c.Request().Context()
	list, err := s.cfg.Store.Employees(ctx)
	if err != nil {
		return err
	}
	// The list comes without numbers; the page shows them.
	for i := range list {
		e, err := s.cfg.Store.Employee(ctx, list[i].ID)
		if err != nil {
			return err
		}
		list[i].Numbers = e.Numbers
	}
	d.Employees, d.Roles = list, crm.Roles
	return s.render(c, status, "admin_employees", d)
}

func (s *Server) adminEmployees(c echo.Context) error {
	d := &adminEmployeesData{Form: employeeForm{Role: string(crm.RoleReceptionist)}, Saved: c.QueryParam("saved") != ""}
	return s.adminEmployeesPage(c, http.StatusOK, d)
}

// adminCreateEmployee adds an employee. The store saves by e-mail (or, without
// one, by name), so adding someone who is already there is refused here
// rather than silently overwriting them.
func (s *Server) adminCreateEmployee(c echo.Context) error {
	ctx := c.Request().Context()
	d := &adminEmployeesData{Form: readEmployeeForm(c)}
	in, err := d.Form.input()
	if err == nil {
		err = s.employeeIsNew(c, in)
	}
	if err == nil {
		if _, err = s.cfg.Store.SaveEmployee(ctx, in); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/employees?saved=1")
		}
	}
	return s.employeeFailed(c, d, err)
}

func (s *Server) employeeIsNew(c echo.Context, in crm.EmployeeInput) error {
	list, err := s.cfg.Store.Employees(c.Request().Context())
	if err != nil {
		return err
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	for _, e := range list {
		if in.Email != "" && strings.EqualFold(e.Email, in.Email) {
			return crm.Errorf(crm.CodeConflict, "email", "%s already has e-mail address %s", e.Name, e.Email)
		}
		if strings.EqualFold(e.Name, name) {
			return crm.Errorf(crm.CodeConflict, "name", "there is already an employee called %s", e.Name)
		}
	}
	return nil
}

func (s *Server) employeeFailed(c echo.Context, d *adminEmployeesData, err error) error {
	fe, ok := formErrors(err, employeeFields...)
	if !ok {
		return err
	}
	d.Errors = fe
	return s.adminEmployeesPage(c, s.cfg.StatusOf(err), d)
}

func (s *Server) adminEditEmployee(c echo.Context) error {
	id, err := pathID(c, "employee")
	if err != nil {
		return err
	}
	e, err := s.cfg.Store.Employee(c.Request().Context(), id)
	if err != nil {
		return err
	}
	d := &adminEmployeesData{Editing: &e,
		Form: employeeForm{Name: e.Name, Email: e.Email, Role: string(e.Role), Extension: e.Extension}}
	return s.adminEmployeesPage(c, http.StatusOK, d)
}

// adminUpdateEmployee saves changes to one employee. The store finds the
// employee to update by e-mail address (or, for someone without one, by
// name), so that key can't change here: changing it would add a second
// employee instead. The form shows it read-only.
func (s *Server) adminUpdateEmployee(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "employee")
	if err != nil {
		return err
	}
	e, err := s.cfg.Store.Employee(ctx, id)
	if err != nil {
		return err
	}
	d := &adminEmployeesData{Editing: &e, Form: readEmployeeForm(c)}
	in, err := d.Form.input()
	if err == nil {
		switch {
		case e.Email != "" && !strings.EqualFold(in.Email, e.Email):
			err = crm.Errorf(crm.CodeInvalid, "email", "the e-mail address identifies %s and can't be changed here", e.Name)
		case e.Email == "" && in.Email != "":
			err = crm.Errorf(crm.CodeInvalid, "email", "%s has no e-mail address; one can't be added here", e.Name)
		case e.Email == "" && !strings.EqualFold(strings.Join(strings.Fields(in.Name), " "), e.Name):
			err = crm.Errorf(crm.CodeInvalid, "name", "without an e-mail address the name identifies %s and can't be changed here", e.Name)
		}
	}
	if err == nil {
		var saved crm.Employee
		if saved, err = s.cfg.Store.SaveEmployee(ctx, in); err == nil {
			if saved.ID != id {
				return crm.Errorf(crm.CodeInternal, "", "saving employee %d updated employee %d", id, saved.ID)
			}
			return c.Redirect(http.StatusSeeOther, "/admin/employees?saved=1")
		}
	}
	return s.employeeFailed(c, d, err)
}

// serviceForm is the add/edit catalogue entry as typed.
type serviceForm struct{ Code, Name, Pitch, Keywords, Complements string }

var serviceFields = []string{"code", "name", "pitch", "keywords", "complements"}

func readServiceForm(c echo.Context) serviceForm {
	return serviceForm{Code: strings.ToLower(strings.TrimSpace(c.FormValue("code"))), Name: c.FormValue("name"),
		Pitch: c.FormValue("pitch"), Keywords: c.FormValue("keywords"), Complements: c.FormValue("complements")}
}

func serviceFormOf(sv crm.Service) serviceForm {
	parts := make([]string, 0, len(sv.Complements))
	for _, cm := range sv.Complements {
		parts = append(parts, cm.Of+":"+strconv.FormatFloat(cm.Weight, 'g', -1, 64))
	}
	return serviceForm{Code: sv.Code, Name: sv.Name, Pitch: sv.Pitch, Keywords: strings.Join(sv.Keywords, ", "),
		Complements: strings.Join(parts, "; ")}
}

func (f serviceForm) input() (crm.ServiceInput, error) {
	cms, err := parseComplements(f.Complements)
	if err != nil {
		return crm.ServiceInput{}, err
	}
	kw := strings.FieldsFunc(f.Keywords, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	return crm.ServiceInput{Code: f.Code, Name: f.Name, Pitch: f.Pitch, Keywords: kw, Complements: cms}, nil
}

// parseComplements reads "hosting:0.8; backup:0.5" (a decimal comma is fine).
// The result is never nil, so an empty field clears the stored list.
func parseComplements(s string) ([]crm.Complement, error) {
	out := []crm.Complement{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, weight, ok := strings.Cut(part, ":")
		w, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(weight), ",", ".", 1), 64)
		code = strings.TrimSpace(code)
		if !ok || code == "" || err != nil || math.IsNaN(w) || w <= 0 || w > 1 {
			return nil, crm.Errorf(crm.CodeInvalid, "complements",
				"%q is not code:weight with a weight above 0 and at most 1, e.g. hosting:0.8", part)
		}
		out = append(out, crm.Complement{Of: code, Weight: w})
	}
	return out, nil
}

// adminServicesData is the catalogue page: the list and one form.
type adminServicesData struct {
	Services []crm.Service
	Editing  string // the code of the service being edited; "" adds
	Form     serviceForm
	Saved    bool
	Errors   fieldErrors
}

func (s *Server) adminServicesPage(c echo.Context, status int, d *adminServicesData) error {
	list, err := s.cfg.Store.Services(c.Request().Context())
	if err != nil {
		return err
	}
	d.Services = list
	return s.render(c, status, "admin_services", d)
}

func (s *Server) adminServices(c echo.Context) error {
	return s.adminServicesPage(c, http.StatusOK, &adminServicesData{Saved: c.QueryParam("saved") != ""})
}

func (s *Server) serviceByCode(c echo.Context, code string) (crm.Service, error) {
	list, err := s.cfg.Store.Services(c.Request().Context())
	if err != nil {
		return crm.Service{}, err
	}
	for _, sv := range list {
		if sv.Code == code {
			return sv, nil
		}
	}
	return crm.Service{}, crm.Errorf(crm.CodeNotFound, "code", "no service with code %q", code)
}

func (s *Server) adminEditService(c echo.Context) error {
	sv, err := s.serviceByCode(c, c.Param("code"))
	if err != nil {
		return err
	}
	return s.adminServicesPage(c, http.StatusOK, &adminServicesData{Editing: sv.Code, Form: serviceFormOf(sv)})
}

// adminCreateService adds a catalogue entry; the store saves by code, so an
// existing code is refused here rather than overwritten.
func (s *Server) adminCreateService(c echo.Context) error {
	d := &adminServicesData{Form: readServiceForm(c)}
	in, err := d.Form.input()
	if err == nil {
		switch _, ferr := s.serviceByCode(c, in.Code); {
		case ferr == nil:
			err = crm.Errorf(crm.CodeConflict, "code", "there is already a service with code %q", in.Code)
		case crm.ErrorCode(ferr) != crm.CodeNotFound:
			err = ferr
		}
	}
	return s.saveService(c, d, in, err)
}

func (s *Server) adminUpdateService(c echo.Context) error {
	sv, err := s.serviceByCode(c, c.Param("code"))
	if err != nil {
		return err
	}
	d := &adminServicesData{Editing: sv.Code, Form: readServiceForm(c)}
	d.Form.Code = sv.Code // the code is the key; it can't change here
	in, err := d.Form.input()
	return s.saveService(c, d, in, err)
}

func (s *Server) saveService(c echo.Context, d *adminServicesData, in crm.ServiceInput, err error) error {
	if err == nil {
		if err = s.cfg.Store.SaveServices(c.Request().Context(), []crm.ServiceInput{in}); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/services?saved=1")
		}
	}
	fe, ok := formErrors(err, serviceFields...)
	if !ok {
		return err
	}
	d.Errors = fe
	return s.adminServicesPage(c, s.cfg.StatusOf(err), d)
}
