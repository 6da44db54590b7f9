// GET [base]/.well-known/smart-configuration: SMART discovery, every URL absolute.
// https://hl7.org/fhir/smart-app-launch/conformance.html#using-well-known
import type { Request, Response } from 'express';

export const SMART_CAPABILITIES = [
  'launch-ehr',
  'launch-standalone',
  'authorize-post',
  'client-public',
  'client-confidential-symmetric',
  'client-confidential-asymmetric',
  'sso-openid-connect',
  'context-banner',
  'context-style',
  'context-ehr-patient',
  'context-ehr-encounter',
  'context-standalone-patient',
  'permission-offline',
  'permission-online',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
];

export interface AuthEndpoints {
  issuer: string;
  authorize: string;
  token: string;
  introspect: string;
  revoke: string;
  jwks: string;
  style: string;
}

export function authEndpoints(baseUrl: string): AuthEndpoints {
  const issuer = `${baseUrl}/auth`;
  return {
    issuer,
    authorize: `${issuer}/authorize`,
    token: `${issuer}/token`,
    introspect: `${issuer}/introspect`,
    revoke: `${issuer}/revoke`,
    jwks: `${issuer}/jwks`,
    style: `${issuer}/smart-style.json`,
  };
}

export function smartConfiguration(baseUrl: string): Record<string, unknown> {
  const e = authEndpoints(baseUrl);
  return {
    issuer: e.issuer,
    jwks_uri: e.jwks,
    authorization_endpoint: e.authorize,
    token_endpoint: e.token,
    introspection_endpoint: e.introspect,
    revocation_endpoint: e.revoke,
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [
      // No launch/encounter: we pick no encounter in a standalone launch (an EHR launch's encounter comes with `launch`).
      'openid',
      'fhirUser',
      'profile',
      'launch',
      'launch/patient',
      'offline_access',
      'online_access',
      'patient/*.cruds',
      'user/*.cruds',
      'system/*.cruds',
      'patient/*.rs',
      'user/*.rs',
      'system/*.rs',
      'patient/*.read',
      'patient/*.write',
      'user/*.read',
      'user/*.write',
      'system/*.read',
      'system/*.write',
    ],
    capabilities: SMART_CAPABILITIES,
  };
}

export function smartConfigurationHandler(baseUrl: string) {
  const body = JSON.stringify(smartConfiguration(baseUrl));
  return (_req: Request, res: Response): void => {
    res.set('Access-Control-Allow-Origin', '*');
    res.type('application/json').send(body);
  };
}

/** What smart_style_url points at: colours and fonts for apps that match the EHR's look (context-style). */
export const SMART_STYLE = {
  color_background: '#f6f7f9',
  color_error: '#b00020',
  color_highlight: '#2b6cb0',
  color_modal_backdrop: 'rgba(0,0,0,0.4)',
  color_success: '#2f855a',
  color_text: '#1a202c',
  dim_border_radius: '4px',
  dim_font_size: '15px',
  dim_spacing_size: '16px',
  font_family_body: 'system-ui, sans-serif',
  font_family_heading: 'system-ui, sans-serif',
};
