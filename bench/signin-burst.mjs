// A member's sign-in while another network floods: `burst` wrong-password sign-ins from
// one IPv6 /64 at once, five rounds (one with --smoke), while a member signs in from an
// address of their own and a visitor loads pages (the reliability suite's scenario,
// tests/reliability/signin-burst.mjs, which fails the run if the member or the pages
// are refused). Prints the figures as a table. Loopback only.
import { signInBurst } from '../tests/reliability/signin-burst.mjs';
import { sqliteUrl } from '../tests/reliability/lib.mjs';

const smoke = process.argv.includes('--smoke');
const burst = 600;
const figures = await signInBurst(sqliteUrl(), burst, smoke ? 1 : 5);
const ms = (value) => `${value.toFixed(0)} ms`;
const statuses = (counts) => Object.entries(counts).map(([status, n]) => `${n} × ${status}`).join(', ');
console.log();
console.log(`Sign-in burst: ${burst} wrong passwords at once from one /64, ${smoke ? 1 : 5} round(s):`);
console.log();
console.log('| who | answers | p50 | p99 |');
console.log('|---|---|---:|---:|');
console.log(`| the burst | ${statuses(figures.burst.statuses)} | ${ms(figures.burst.p50)} | |`);
console.log(`| a member elsewhere, signing in | ${statuses(figures.member.statuses)} | ${ms(figures.member.p50)} | ${ms(figures.member.p99)} |`);
console.log(`| a visitor elsewhere, loading \`/\` | ${statuses(figures.pages.statuses)} | | ${ms(figures.pages.p99)} |`);
console.log();
const mib = (value) => `${value.toFixed(1)} MiB`;
console.log(`The server's resident memory: ${mib(figures.memory.afterSignUp)} after the member's sign-up (one hash), peak ${mib(figures.memory.peak)} over the bursts.`);
