package crm

import "time"

// User is someone who signs in to the console. Their role decides what they
// see and may change; EmployeeID links them to the staff register so that
// "taken by Anna" and "call back: Anna" name the same person.
type User struct {
	ID         int64
	Username   string
	Name       string
	Role       Role
	EmployeeID int64
	Language   string // "en" or "nl"; "" follows the browser
	CreatedAt  time.Time
	DisabledAt time.Time
}

// UserRoles are the roles a console user may have; engineers don't sign in.
var UserRoles = []Role{RoleReceptionist, RoleAccountManager, RoleServiceManager, RoleAdmin}

// Session is a signed-in browser. Token is the cookie's secret and is only
// known when the session is created; CSRF is the token forms must echo.
type Session struct {
	ID        int64
	Token     string
	CSRF      string
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10
