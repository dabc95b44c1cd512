/** A started GitLab server with one project, one merge request and two tokens, for the tests. */
import { GitLabServer } from './server.js';

export const TOKEN = 'glpat-bot-token-0123456789';
export const READ_TOKEN = 'glpat-read-only-0123456789';
export const OTHER_TOKEN = 'glpat-someone-else-0123456';
export const PROJECT_ID = 42;
export const MR_IID = 7;

export async function startFixture(): Promise<GitLabServer> {
  const server = new GitLabServer();
  await server.start();
  server.tokens.set(TOKEN, { user: { id: 1, username: 'chs-bot', name: 'CHS bot' }, scopes: ['api'] });
  server.tokens.set(READ_TOKEN, {
    user: { id: 2, username: 'reader', name: 'Reader' },
    scopes: ['read_api'],
  });
  server.tokens.set(OTHER_TOKEN, { user: { id: 3, username: 'alice', name: 'Alice' }, scopes: ['api'] });
  server.addProject(PROJECT_ID, 'group/policies', { 'README.md': '# policies\n' });
  server.addMergeRequest(PROJECT_ID, { iid: MR_IID });
  return server;
}
