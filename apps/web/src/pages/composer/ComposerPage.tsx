import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { api, call } from '../../api/client';
import type { Account, Post } from '../../api/views';
import { Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { ComposerForm } from './ComposerForm';

/** `/posts/new` and `/posts/:id`: write, edit, reschedule or cancel a post. */
export default function ComposerPage() {
  const { t } = useTranslation('composer');
  const params = useParams<{ id?: string }>();
  const id = params.id && params.id !== 'new' ? params.id : null;
  usePageTitle(id ? t('editTitle') : t('newTitle'));
  const data = useLoad(async () => {
    const [accounts, post] = await Promise.all([
      call<Account[]>(api.GET('/v1/accounts')),
      id ? call<Post>(api.GET('/v1/posts/{id}', { params: { path: { id } } })) : Promise.resolve(null),
    ]);
    return { accounts, post };
  }, [id]);
  return (
    <>
      <h1>{id ? t('editTitle') : t('newTitle')}</h1>
      <Loaded state={data}>{({ accounts, post }) => <ComposerForm key={post?.updatedAt ?? 'new'} accounts={accounts} post={post} onChanged={data.reload} />}</Loaded>
    </>
  );
}
