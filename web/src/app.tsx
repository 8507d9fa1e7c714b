import { HealthBar } from './components/health-bar';
import { NoticeList } from './components/notice-list';
import { ServicesContext, type Services } from './context';
import { AuditPage } from './pages/audit/audit-page';
import { ContainerPage } from './pages/container/container-page';
import { ContainersPage } from './pages/containers/containers-page';
import { useRoute } from './router';

export function App({ services }: { services: Services }) {
  const route = useRoute();
  return (
    <ServicesContext.Provider value={services}>
      <header class="top">
        <a class="brand" href="#/">
          Container Manager
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.page === 'containers' ? 'page' : undefined}>
            Containers
          </a>
          <a href="#/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>
            Audit
          </a>
        </nav>
        <HealthBar />
      </header>
      <NoticeList />
      <main>
        {route.page === 'containers' && <ContainersPage />}
        {route.page === 'container' && <ContainerPage cuid={route.cuid} tab={route.tab} />}
        {route.page === 'audit' && <AuditPage />}
      </main>
    </ServicesContext.Provider>
  );
}
