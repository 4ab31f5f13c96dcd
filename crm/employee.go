package crm

import (
	"strings"
	"time"
)

// Role is what an employee does; it decides what they see and may change.
type Role string

// Roles of our own staff.
const (
	RoleReceptionist   Role = "receptionist"
	RoleAccountManager Role = "account_manager"
	RoleServiceManager Role = "service_manager"
	RoleAdmin          Role = "admin"
	RoleEngineer       Role = "engineer"
)

// Roles lists every role in display order.
var Roles = []Role{RoleReceptionist, RoleAccountManager, RoleServiceManager, RoleAdmin, RoleEngineer}

// ParseRole accepts a role as written in a file or flag ("account manager",
// "Account-Manager", "account_manager").
func ParseRole(field, s string) (Role, error) {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(key(s))
	for _, r := range Roles {
		if string(r) == k {
			return r, nil
		}
	}
	return "", Errorf(CodeInvalid, field, "%q is not a role (receptionist, account_manager, service_manager, admin, engineer)", s)
}

// Employee is one of our own staff. Their numbers let a call forwarded from
// their mobile be recognised as "calling for" them.
type Employee struct {
	ID        int64
	Name      string
	Email     string
	Role      Role
	Extension string // internal extension, e.g. "201"
	Numbers   []PhoneNumber
	CreatedAt time.Time
	UpdatedAt time.Time
}
