package ui

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// The admin pages: staff, the service catalogue, console users and API
// tokens. All are admin-only (see registerPages). Secrets (a new user's
// password, a reset password, a new token) are generated here, shown once
// on the response to the POST that made them, and never logged, stored in
// the clear or shown again.

func (s *Server) adminIndex(c echo.Context) error {
	return s.render(c, http.StatusOK, "admin", nil)
}

// secretData is the one-time page that shows a new secret.
type secretData struct {
	Kind   string // "user", "password" or "token": which texts go with it
	Name   string // the username or the token's name
	Secret string
	Back   string
}

func (s *Server) showSecret(c echo.Context, d secretData) error {
	return s.render(c, http.StatusOK, "admin_secret", d)
}

// userForm is the add-user form as typed.
type userForm struct{ Username, Name, Role, Language string }

var userFields = []string{"username", "name", "role", "language"}

// adminUsersData is the users page.
type adminUsersData struct {
	Users  []crm.User
	Roles  []crm.Role
	Me     int64
	Form   userForm
	Done   string // "disabled" or "enabled" after a change
	Errors fieldErrors
}

func (s *Server) adminUsersPage(c echo.Context, status int, d *adminUsersData) error {
	users, err := s.cfg.Store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	for i := range users {
		users[i].CreatedAt = users[i].CreatedAt.In(s.cfg.Location)
		if !users[i].DisabledAt.IsZero() {
			users[i].DisabledAt = users[i].DisabledAt.In(s.cfg.Location)
		}
	}
	d.Users, d.Roles, d.Me = users, crm.UserRoles, sessionOf(c).User.ID
	return s.render(c, status, "admin_users", d)
}

func (s *Server) adminUsers(c echo.Context) error {
	d := &adminUsersData{Form: userForm{Role: string(crm.RoleReceptionist)}}
	switch done := c.QueryParam("done"); done {
	case "disabled", "enabled":
		d.Done = done
	}
	return s.adminUsersPage(c, http.StatusOK, d)
}

// adminCreateUser adds a console user with a generated password, shown once.
func (s *Server) adminCreateUser(c echo.Context) error {
	f := userForm{Username: strings.TrimSpace(c.FormValue("username")), Name: c.FormValue("name"),
		Role: c.FormValue("role"), Language: c.FormValue("language")}
	u, password, err := s.createUser(c, f)
	if err == nil {
		return s.showSecret(c, secretData{Kind: "user", Name: u.Username, Secret: password, Back: "/admin/users"})
	}
	d := &adminUsersData{Form: f}
	fe, ok := formErrors(err, userFields...)
	if !ok {
		return err
	}
	d.Errors = fe
	return s.adminUsersPage(c, s.cfg.StatusOf(err), d)
}

func (s *Server) createUser(c echo.Context, f userForm) (crm.User, string, error) {
	role, err := crm.ParseRole("role", f.Role)
	if err != nil {
		return crm.User{}, "", err
	}
	switch f.Language {
	case "", langEN, langNL:
	default:
		return crm.User{}, "", crm.Errorf(crm.CodeInvalid, "language", "choose a language from the list")
	}
	password, err := crm.GeneratePassword()
	if err != nil {
		return crm.User{}, "", err
	}
	u, err := s.cfg.Store.CreateUser(c.Request().Context(), crm.UserInput{Username: f.Username, Name: f.Name,
		Password: password, Role: role, Language: f.Language})
	if err != nil {
		return crm.User{}, "", err
	}
	s.log.Info("user created", "username", u.Username, "role", u.Role, "by", sessionOf(c).User.Username)
	s.audit(c, crm.AuditUserCreated, "user", u.ID)
	return u, password, nil
}

func (s *Server) adminDisableUser(c echo.Context) error { return s.setUserDisabled(c, true) }
func (s *Server) adminEnableUser(c echo.Context) error  { return s.setUserDisabled(c, false) }

func (s *Server) setUserDisabled(c echo.Context, disabled bool) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if disabled && id == sessionOf(c).User.ID {
		// Locking yourself out is never what was meant.
		d := &adminUsersData{Form: userForm{Role: string(crm.RoleReceptionist)},
			Errors: fieldErrors{"": s.t(c, "adm.users.not_yourself")}}
		return s.adminUsersPage(c, http.StatusBadRequest, d)
	}
	if err := s.cfg.Store.SetUserDisabled(c.Request().Context(), id, disabled); err != nil {
		return err
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	s.log.Info("user "+done, "user_id", id, "by", sessionOf(c).User.Username)
	s.audit(c, "user."+done, "user", id)
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+done)
}

// adminResetPassword gives a user a new generated password, shown once; it
// signs them out everywhere.
func (s *Server) adminResetPassword(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	users, err := s.cfg.Store.Users(ctx)
	if err != nil {
		return err
	}
	var username string
	for _, u := range users {
		if u.ID == id {
			username = u.Username
		}
	}
	if username == "" {
		return crm.Errorf(crm.CodeNotFound, "user", "no such user")
	}
	password, err := crm.GeneratePassword()
	if err != nil {
		return err
	}
	if err := s.cfg.Store.SetPassword(ctx, id, password); err != nil {
		return err
	}
	s.log.Info("password reset", "username", username, "by", sessionOf(c).User.Username)
	s.audit(c, crm.AuditPasswordReset, "user", id)
	return s.showSecret(c, secretData{Kind: "password", Name: username, Secret: password, Back: "/admin/users"})
}

// adminTokensData is the API tokens page.
type adminTokensData struct {
	Tokens []crm.APIToken
	Name   string // the add form as typed
	Done   bool   // a token was revoked
	Errors fieldErrors
}

func (s *Server) adminTokensPage(c echo.Context, status int, d *adminTokensData) error {
	tokens, err := s.cfg.Store.Tokens(c.Request().Context())
	if err != nil {
		return err
	}
	for i := range tokens {
		t := &tokens[i]
		t.CreatedAt = t.CreatedAt.In(s.cfg.Location)
		if !t.LastUsedAt.IsZero() {
			t.LastUsedAt = t.LastUsedAt.In(s.cfg.Location)
		}
		if !t.RevokedAt.IsZero() {
			t.RevokedAt = t.RevokedAt.In(s.cfg.Location)
		}
	}
	d.Tokens = tokens
	return s.render(c, status, "admin_tokens", d)
}

func (s *Server) adminTokens(c echo.Context) error {
	return s.adminTokensPage(c, http.StatusOK, &adminTokensData{Done: c.QueryParam("done") == "revoked"})
}

// adminCreateToken makes an API token for a telephone system; the secret is
// shown once and only its hash is stored.
func (s *Server) adminCreateToken(c echo.Context) error {
	name := c.FormValue("name")
	t, secret, err := s.cfg.Store.CreateToken(c.Request().Context(), name)
	if err == nil {
		s.log.Info("API token created", "token", t.Name, "by", sessionOf(c).User.Username)
		s.audit(c, crm.AuditTokenCreated, "token", t.ID, t.Name)
		return s.showSecret(c, secretData{Kind: "token", Name: t.Name, Secret: secret, Back: "/admin/tokens"})
	}
	fe, ok := formErrors(err, "name")
	if !ok {
		return err
	}
	return s.adminTokensPage(c, s.cfg.StatusOf(err), &adminTokensData{Name: name, Errors: fe})
}

func (s *Server) adminRevokeToken(c echo.Context) error {
	name := c.FormValue("name")
	if err := s.cfg.Store.RevokeToken(c.Request().Context(), name); err != nil {
		return err
	}
	s.log.Info("API token revoked", "token", name, "by", sessionOf(c).User.Username)
	s.audit(c, crm.AuditTokenRevoked, "token", 0, name)
	return c.Redirect(http.StatusSeeOther, "/admin/tokens?done=revoked")
}
