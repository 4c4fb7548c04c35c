"""Single sign-on: SAML service provider, MFA and provider configuration."""
