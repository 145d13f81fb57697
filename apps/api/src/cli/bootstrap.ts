import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '#config/config.js';
import { issueApiToken } from '#crypto/api-tokens.js';
import { PrismaService } from '#database/prisma.service.js';
import { INVITATION_TTL_MS, invitationUrl, issueInvitationToken } from '../invitations/invitation-tokens.js';
import { InvitationsRepository } from '../invitations/invitations.repository.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';

// Creates an organisation, its first admin, that admin's API token and an invitation link to set a
// passphrase in the browser; both printed once.
const { values } = parseArgs({
  options: { organisation: { type: 'string' }, admin: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const orgName = values.organisation?.trim();
const adminName = values.admin?.trim() || 'admin';
if (!orgName) {
  process.stderr.write('usage: npm run bootstrap -- --organisation "Name" [--admin "Name"] [--json]\n');
  process.exit(64);
}
const config = loadConfigOrExit(process.env);
const prisma = new PrismaService(config);
const organisations = new OrganisationsRepository(prisma);
try {
  if (await organisations.organisationNameExists(orgName)) {
    process.stderr.write(`An organisation named "${orgName}" already exists\n`);
    process.exitCode = 65;
  } else {
    const token = issueApiToken();
    const result = await organisations.createWithAdmin(orgName, adminName, token);
    const invitation = issueInvitationToken();
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    await new InvitationsRepository(prisma).create({
      organisationId: result.organisationId,
      memberId: result.memberId,
      name: adminName,
      role: 'admin',
      tokenHash: invitation.hash,
      createdById: null,
      expiresAt,
    });
    const url = invitationUrl(config.http.publicUrl, invitation.secret);
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...result, token: token.secret, invitationUrl: url, invitationExpiresAt: expiresAt })}\n`
        : `Organisation "${orgName}" created (${result.organisationId}).\nAdmin "${adminName}" (${result.memberId}).\n` +
            `Open this link to set the admin's login and passphrase (one use, valid until ${expiresAt.toISOString()}):\n\n  ${url}\n\n` +
            `API token for automation, shown once — keep it somewhere safe:\n\n  ${token.secret}\n\n`,
    );
  }
} finally {
  await prisma.onApplicationShutdown();
}
