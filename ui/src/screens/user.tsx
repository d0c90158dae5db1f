import { useState } from 'preact/hooks';
import { S } from '../strings.js';
import { knownUsers, saveKnownUsers, setCurrentUser } from '../user.js';

/** Pick who is working: the name goes with every command (audit log). */
export function UserScreen({ user, onChoose }: { user: string | null; onChoose: (name: string | null) => void }) {
  const [names, setNames] = useState<string[]>(knownUsers());
  const [draft, setDraft] = useState('');

  const choose = (name: string) => {
    setCurrentUser(name);
    onChoose(name);
  };
  const add = () => {
    const name = draft.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (!name) return;
    const next = names.includes(name) ? names : [...names, name].sort((a, b) => a.localeCompare(b, 'vi'));
    setNames(next);
    saveKnownUsers(next);
    setDraft('');
    choose(name);
  };
  const remove = (name: string) => {
    const next = names.filter((n) => n !== name);
    setNames(next);
    saveKnownUsers(next);
    if (user === name) {
      setCurrentUser(null);
      onChoose(null);
    }
  };

  return (
    <div class="screen">
      <h1>{S.user.title}</h1>
      <p class="lead">{user ? S.user.current(user) : S.user.intro}</p>
      <div class="user-list">
        {names.map((n) => (
          <div class="user-row" key={n}>
            <button class={`btn btn-user ${n === user ? 'btn-primary' : ''}`} onClick={() => choose(n)}>{n}</button>
            <button class="btn btn-ghost" onClick={() => remove(n)}>{S.user.remove}</button>
          </div>
        ))}
      </div>
      <form class="user-add" onSubmit={(e) => { e.preventDefault(); add(); }}>
        <label class="field">
          <span class="field-label">{S.user.addLabel}</span>
          <input name="new-user" value={draft} maxLength={100} placeholder={S.user.addPlaceholder}
            onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button class="btn btn-primary" type="submit" disabled={!draft.trim()}>{S.user.add}</button>
      </form>
    </div>
  );
}
