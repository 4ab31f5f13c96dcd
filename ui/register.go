package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// registerPages adds the register's pages (clients, organisations,
// contacts) and the admin pages to the signed-in group.
//
// Who may do what (admins always pass requireRole):
//   - everyone signed in: search and view clients, add contacts, edit
//     contacts and add numbers to them (the receptionist's quick-adds);
//   - account and service managers: add and edit organisations, including
//     the commercial fields (status, value, account manager), their
//     switchboard numbers and number ranges, and delete numbers;
//   - admins: the admin pages.
func (s *Server) registerPages(g *echo.Group) {
	managers := requireRole(crm.RoleAccountManager, crm.RoleServiceManager)

	g.GET("/clients", s.clients)
	g.GET("/clients/new", s.newOrganisationForm, managers)
	g.POST("/clients/new", s.createOrganisation, managers)
	g.GET("/clients/:id", s.organisationPage)
	g.GET("/clients/:id/edit", s.editOrganisationForm, managers)
	g.POST("/clients/:id/edit", s.updateOrganisation, managers)
	g.GET("/clients/:id/contacts/new", s.newContactForm)
	g.POST("/clients/:id/contacts/new", s.createContact)
	g.GET("/contacts/:id/edit", s.editContactForm)
	g.POST("/contacts/:id/edit", s.updateContact)
	g.POST("/numbers/:id/delete", s.deleteNumber, managers)

	admin := g.Group("/admin", requireRole())
	admin.GET("", s.adminIndex)
	admin.GET("/employees", s.adminEmployees)
	admin.POST("/employees", s.adminCreateEmployee)
	admin.GET("/employees/:id", s.adminEditEmployee)
	admin.POST("/employees/:id", s.adminUpdateEmployee)
	admin.GET("/services", s.adminServices)
	admin.POST("/services", s.adminCreateService)
	admin.GET("/services/:code", s.adminEditService)
	admin.POST("/services/:code", s.adminUpdateService)
	admin.GET("/users", s.adminUsers)
	admin.POST("/users", s.adminCreateUser)
	admin.POST("/users/:id/disable", s.adminDisableUser)
	admin.POST("/users/:id/enable", s.adminEnableUser)
	admin.POST("/users/:id/password", s.adminResetPassword)
	admin.GET("/tokens", s.adminTokens)
	admin.POST("/tokens", s.adminCreateToken)
	admin.POST("/tokens/revoke", s.adminRevokeToken)
}

// fieldErrors maps a form input's name to the message shown next to it; the
// key "" holds a message that belongs to no one input.
type fieldErrors map[string]string

// formErrors turns an error the user can fix (invalid input, a clash with
// what is stored) into messages next to the form's fields. Any other error
// is not the form's to show, and ok is false.
func formErrors(err error, fields ...string) (errs fieldErrors, ok bool) {
	switch crm.ErrorCode(err) {
	case crm.CodeInvalid, crm.CodeConflict:
	default:
		return nil, false
	}
	field := crm.ErrorField(err)
	// "phone[2]" is the second number of a list; the form has one input.
	if i := strings.IndexByte(field, '['); i > 0 {
		field = field[:i]
	}
	if !slices.Contains(fields, field) {
		field = ""
	}
	return fieldErrors{field: crm.ErrorMessage(err)}, true
}

// formFailed re-renders a form page with the error next to its field and the
// user's input kept (data points at the page's data, errs into it), with the
// error's status; errors that are not the user's to fix go to the error page.
func (s *Server) formFailed(c echo.Context, err error, page string, data any, errs *fieldErrors, fields ...string) error {
	fe, ok := formErrors(err, fields...)
	if !ok {
		return err
	}
	*errs = fe
	return s.render(c, s.cfg.StatusOf(err), page, data)
}

// pathID reads the numeric id in the path; a malformed one is not found.
func pathID(c echo.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, crm.Errorf(crm.CodeNotFound, what, "no such %s", what)
	}
	return id, nil
}

// isManager says whether the signed-in user may change an organisation's
// commercial fields and delete numbers; it mirrors the routes' requireRole.
func isManager(c echo.Context) bool {
	switch sessionOf(c).User.Role {
	case crm.RoleAdmin, crm.RoleAccountManager, crm.RoleServiceManager:
		return true
	}
	return false
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }
