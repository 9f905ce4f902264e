from celery import shared_task


@shared_task(name="assessment.generate_report")
def generate_report(report_id: int) -> str:
    from assessment.services import report_generate

    report = report_generate(report_id)
    return report.status


@shared_task(name="assessment.warm_dashboard")
def warm_dashboard() -> int:
    """Beat: the dashboard's figures of the year for every unit, ahead of the visits."""
    from assessment.services import dashboard_warm

    return dashboard_warm()
