package ui

import (
	"testing"

	"github.com/callcard/callcard/crm"
)

// TestPrivacyMessages: every privacy message is in both languages, and
// every audit action has words on the audit page.
func TestPrivacyMessages(t *testing.T) {
	en, nl := englishPrivacy(), dutchPrivacy()
	for k := range en {
		if _, ok := nl[k]; !ok {
			t.Errorf("%s has no Dutch", k)
		}
	}
	for k := range nl {
		if _, ok := en[k]; !ok {
			t.Errorf("%s has no English", k)
		}
	}
	for _, action := range []string{crm.AuditCardOpened, crm.AuditContactCreated, crm.AuditContactUpdated, crm.AuditContactViewed,
		crm.AuditContactErased, crm.AuditContactExported, crm.AuditOrganisationCreate, crm.AuditOrganisationUpdate,
		crm.AuditUserCreated, crm.AuditUserDisabled, crm.AuditUserEnabled, crm.AuditPasswordReset, crm.AuditTokenCreated,
		crm.AuditTokenRevoked, crm.AuditCallsAnonymised} {
		if _, ok := en["priv.action."+action]; !ok {
			t.Errorf("audit action %s has no message", action)
		}
	}
}
